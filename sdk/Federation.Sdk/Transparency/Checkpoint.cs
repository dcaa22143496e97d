using System.Globalization;
using System.Text;

namespace Federation.Sdk.Transparency;

/// <summary>
/// A log's tree head in the C2SP tlog-checkpoint note text: the origin line, the tree size in decimal and the
/// base64 root hash, each ending in a newline. This gateway writes no extension lines.
/// </summary>
public sealed record Checkpoint(string Origin, long TreeSize, byte[] RootHash)
{
    /// <summary>The note text that is signed.</summary>
    public string ToNoteText() =>
        string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{TreeSize}\n{Convert.ToBase64String(RootHash)}\n");

    /// <summary>Parses checkpoint note text; null with <paramref name="error"/> set when it is not one.</summary>
    public static Checkpoint? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        if (!text.EndsWith('\n'))
        {
            error = "the checkpoint text does not end with a newline";
            return null;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            error = $"a checkpoint has at least 3 lines (origin, tree size, root hash), this one has {lines.Length}";
            return null;
        }

        if (lines.Any(l => l.Length == 0))
        {
            error = "a checkpoint line is empty";
            return null;
        }

        var size = lines[1];
        if (!size.All(char.IsAsciiDigit) || (size.Length > 1 && size[0] == '0') ||
            !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            error = $"the tree size '{size}' is not a decimal number without leading zeros";
            return null;
        }

        var root = new byte[MerkleHash.Size];
        if (!Convert.TryFromBase64String(lines[2], root, out var written) || written != MerkleHash.Size)
        {
            error = $"the root hash '{lines[2]}' is not the base64 of {MerkleHash.Size} bytes";
            return null;
        }

        return new Checkpoint(lines[0], treeSize, root);
    }

    /// <summary>The checkpoint in a single line for messages: origin, size and root.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Origin} size {TreeSize} root {Convert.ToBase64String(RootHash)}");

    /// <summary>Whether <paramref name="name"/> can name a log (its origin) and its key: non-empty, no space, control character or plus sign.</summary>
    public static bool IsValidKeyName(string name) =>
        name.Length > 0 && !name.Any(c => c == '+' || char.IsWhiteSpace(c) || char.IsControl(c)) && Encoding.UTF8.GetByteCount(name) < 1024;
}
