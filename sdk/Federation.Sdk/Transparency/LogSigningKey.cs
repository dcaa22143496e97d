using System.Security.Cryptography;
using System.Text;

namespace Federation.Sdk.Transparency;

/// <summary>
/// The gateway's log key: an ECDSA P-256 private key that signs checkpoints as signed notes (type 0x02, see
/// <see cref="LogVerifierKey"/>). The key name is the log's origin.
/// </summary>
public sealed class LogSigningKey : IDisposable
{
    private readonly ECDsa _key;

    public LogSigningKey(string origin, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
        {
            throw new ArgumentException("The log key must be an ECDSA P-256 key.", nameof(key));
        }

        _key = key;
        VerifierKey = LogVerifierKey.FromPublicKey(origin, key);
    }

    /// <summary>The log's origin (checkpoint first line and signature key name).</summary>
    public string Origin => VerifierKey.Name;

    /// <summary>The public half, to publish for verifiers.</summary>
    public LogVerifierKey VerifierKey { get; }

    /// <summary>Creates a new P-256 key.</summary>
    public static LogSigningKey Create(string origin) => new(origin, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a PEM (PKCS#8 or SEC1) P-256 private key.</summary>
    public static LogSigningKey Load(string origin, string pemPath)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(pemPath));
            if (key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new CryptographicException("the key is not on the NIST P-256 curve");
            }

            return new LogSigningKey(origin, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new CryptographicException($"{pemPath}: not an ECDSA P-256 private key in PEM: {e.Message}", e);
        }
    }

    /// <summary>Writes the private key (PKCS#8 PEM, owner-only) and the verifier key text beside it.</summary>
    public void Save(string privateKeyPath, string verifierKeyPath)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(privateKeyPath, options)))
        {
            writer.Write(_key.ExportPkcs8PrivateKeyPem());
            writer.Write('\n');
        }

        File.WriteAllText(verifierKeyPath, VerifierKey + "\n");
    }

    /// <summary>Signs a checkpoint; returns the whole signed note.</summary>
    public string Sign(Checkpoint checkpoint) => SignNote(checkpoint, checkpoint?.ToNoteText());

    /// <summary>
    /// Signs what the gateway serves at a checkpoint's tree size: the checkpoint's text with the served state digest
    /// as an extension line (<see cref="ServedStateDigest"/>); returns the whole signed note, which also opens as the checkpoint.
    /// </summary>
    public string SignServedState(Checkpoint checkpoint, byte[] servedStateDigest) =>
        SignNote(checkpoint, checkpoint is null ? null : ServedStateDigest.NoteText(checkpoint, servedStateDigest));

    // Every note this key signs starts with a checkpoint of this log.
    private string SignNote(Checkpoint? checkpoint, string? text)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Origin != Origin)
        {
            throw new ArgumentException($"The checkpoint's origin '{checkpoint.Origin}' is not this log's ({Origin}).", nameof(checkpoint));
        }

        var signature = _key.SignData(Encoding.UTF8.GetBytes(text!), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new SignedNote(text!, [new NoteSignature(Origin, VerifierKey.KeyId, signature)]).ToString();
    }

    public void Dispose()
    {
        _key.Dispose();
        VerifierKey.Dispose();
    }
}
