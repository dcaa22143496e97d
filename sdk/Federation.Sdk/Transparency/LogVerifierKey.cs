using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Federation.Sdk.Transparency;

/// <summary>
/// The public key that checkpoints are verified with, in the signed-note verifier key form
/// "&lt;name&gt;+&lt;key id, 8 hex digits&gt;+base64(0x02 || SubjectPublicKeyInfo DER)". Signature type 0x02 is
/// c2sp.org/signed-note's ECDSA type (as used by transparency-dev/witness and Sigstore Rekor): ECDSA P-256 over
/// SHA-256 of the note text, DER-encoded signature, key id = first 4 bytes (big-endian) of SHA-256(SPKI DER).
/// </summary>
public sealed class LogVerifierKey : IDisposable
{
    /// <summary>The signed-note signature type byte of ECDSA signatures.</summary>
    public const byte EcdsaSignatureType = 0x02;

    private readonly ECDsa _key;

    private LogVerifierKey(string name, uint keyId, byte[] subjectPublicKeyInfo, ECDsa key)
    {
        Name = name;
        KeyId = keyId;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        _key = key;
    }

    /// <summary>The key name, which is also the log's origin.</summary>
    public string Name { get; }

    public uint KeyId { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>A verifier key for a public key (which must be P-256) under a name.</summary>
    public static LogVerifierKey FromPublicKey(string name, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!Checkpoint.IsValidKeyName(name))
        {
            throw new ArgumentException($"Key name '{name}' must be non-empty, without spaces or '+'.", nameof(name));
        }

        var spki = publicKey.ExportSubjectPublicKeyInfo();
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        return new LogVerifierKey(name, ComputeKeyId(spki), spki, key);
    }

    /// <summary>Parses the text form; null with <paramref name="error"/> set when it is not a P-256 ECDSA verifier key.</summary>
    public static LogVerifierKey? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3 || !Checkpoint.IsValidKeyName(parts[0]))
        {
            error = "a verifier key has the form <name>+<key id>+<base64 key>";
            return null;
        }

        if (parts[1].Length != 8 || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId))
        {
            error = $"the key id '{parts[1]}' is not 8 hexadecimal digits";
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            error = "the key is not base64";
            return null;
        }

        if (bytes.Length < 2 || bytes[0] != EcdsaSignatureType)
        {
            error = $"the key is not an ECDSA signed-note key (type byte 0x{EcdsaSignatureType:x2})";
            return null;
        }

        var spki = bytes[1..];
        if (ComputeKeyId(spki) != keyId)
        {
            error = $"the key id {parts[1]} does not match the key (expected {ComputeKeyId(spki):x8})";
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out _);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            error = $"the key is not a valid public key: {e.Message}";
            return null;
        }

        if (key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            error = "the key is not on the NIST P-256 curve";
            return null;
        }

        return new LogVerifierKey(parts[0], keyId, spki, key);
    }

    /// <summary>Reads a verifier key file (one line).</summary>
    public static LogVerifierKey Load(string path)
    {
        var key = TryParse(File.ReadAllText(path), out var error);
        return key ?? throw new FormatException($"{path}: not a log verifier key: {error}.");
    }

    /// <summary>Whether a note carries a valid signature by this key. Signatures by other keys are ignored.</summary>
    public bool HasValidSignature(SignedNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var text = Encoding.UTF8.GetBytes(note.Text);
        return note.Signatures
            .Where(s => s.KeyName == Name && s.KeyId == KeyId)
            .Any(s => _key.VerifyData(text, s.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    /// <summary>
    /// Opens a signed checkpoint: it must be signed by this key and name this key's name as its origin.
    /// Null with <paramref name="error"/> set otherwise.
    /// </summary>
    public Checkpoint? TryOpenCheckpoint(string signedCheckpoint, out string? error)
    {
        var note = SignedNote.TryParse(signedCheckpoint, out error);
        if (note is null)
        {
            return null;
        }

        if (!HasValidSignature(note))
        {
            error = $"the checkpoint carries no valid signature by the log key {Name} ({KeyId:x8})";
            return null;
        }

        var checkpoint = Checkpoint.TryParse(note.Text, out error);
        if (checkpoint is not null && checkpoint.Origin != Name)
        {
            error = $"the checkpoint is for log '{checkpoint.Origin}', not '{Name}'";
            return null;
        }

        return checkpoint;
    }

    /// <summary>The text form.</summary>
    public override string ToString() =>
        $"{Name}+{KeyId:x8}+{Convert.ToBase64String([EcdsaSignatureType, .. SubjectPublicKeyInfo])}";

    public void Dispose() => _key.Dispose();

    internal static uint ComputeKeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(subjectPublicKeyInfo));
}
