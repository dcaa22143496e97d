using System.Text;

namespace Federation.Sdk.Transparency;

/// <summary>
/// A C2SP signed note: UTF-8 text ending in a newline, a blank line, then one line per signature,
/// "— &lt;key name&gt; base64(4-byte key id || signature)".
/// </summary>
public sealed class SignedNote
{
    private const string SignaturePrefix = "\u2014 ";

    public SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signatures);
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, final newline included.</summary>
    public string Text { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>The whole note: text, blank line, signature lines.</summary>
    public override string ToString()
    {
        var note = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            var bytes = new byte[4 + signature.Signature.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, signature.KeyId);
            signature.Signature.CopyTo(bytes, 4);
            note.Append(SignaturePrefix).Append(signature.KeyName).Append(' ').Append(Convert.ToBase64String(bytes)).Append('\n');
        }

        return note.ToString();
    }

    /// <summary>Parses a signed note; null with <paramref name="error"/> set when the text is not one.</summary>
    public static SignedNote? TryParse(string note, out string? error)
    {
        ArgumentNullException.ThrowIfNull(note);
        error = null;
        if (note.Any(c => c < 0x20 && c != '\n'))
        {
            error = "the note contains control characters";
            return null;
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            error = "the note has no signature block (a blank line followed by signature lines)";
            return null;
        }

        var text = note[..(split + 1)];
        var lines = note[(split + 2)..^1].Split('\n');
        var signatures = new List<NoteSignature>();
        foreach (var line in lines)
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                error = $"signature line '{line}' does not start with an em dash and a space";
                return null;
            }

            var parts = line[SignaturePrefix.Length..].Split(' ');
            if (parts.Length != 2 || !Checkpoint.IsValidKeyName(parts[0]))
            {
                error = $"signature line '{line}' is not '— <key name> <base64 signature>'";
                return null;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                error = $"the signature of '{parts[0]}' is not base64";
                return null;
            }

            if (bytes.Length < 5)
            {
                error = $"the signature of '{parts[0]}' is too short to hold a key id and a signature";
                return null;
            }

            signatures.Add(new NoteSignature(parts[0], System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[4..]));
        }

        return new SignedNote(text, signatures);
    }
}

/// <summary>One signature of a note: the signer's key name and key id, and the signature bytes.</summary>
public sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);
