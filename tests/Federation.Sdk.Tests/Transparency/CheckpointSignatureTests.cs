using System.Security.Cryptography;
using System.Text;
using Federation.Sdk.Transparency;

namespace Federation.Sdk.Tests.Transparency;

public sealed class CheckpointSignatureTests
{
    private const string Origin = "gateway.federation.example/log";

    [Fact]
    public void A_signed_checkpoint_opens_with_the_verifier_key_read_back_from_its_text_form()
    {
        using var key = LogSigningKey.Create(Origin);
        var root = SHA256.HashData(Encoding.ASCII.GetBytes("root"));
        var note = key.Sign(new Checkpoint(Origin, 42, root));
        using var verifier = LogVerifierKey.TryParse(key.VerifierKey.ToString(), out var parseError);

        var checkpoint = verifier!.TryOpenCheckpoint(note, out var error);

        Assert.Null(parseError);
        Assert.Null(error);
        Assert.Equal((Origin, 42L), (checkpoint!.Origin, checkpoint.TreeSize));
        Assert.Equal(root, checkpoint.RootHash);
        Assert.StartsWith($"{Origin}\n42\n{Convert.ToBase64String(root)}\n\n\u2014 {Origin} ", note, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_id_is_the_first_four_bytes_of_the_sha256_of_the_public_key_info_and_the_key_starts_with_type_0x02()
    {
        using var key = LogSigningKey.Create(Origin);
        var spki = key.VerifierKey.SubjectPublicKeyInfo;

        var expected = Convert.ToHexStringLower(SHA256.HashData(spki).AsSpan(0, 4));

        Assert.Equal(expected, key.VerifierKey.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith($"{Origin}+{expected}+Aj", key.VerifierKey.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_signature_is_an_ecdsa_p256_sha256_der_signature_over_the_note_text_that_any_ecdsa_library_checks()
    {
        using var key = LogSigningKey.Create(Origin);
        var note = SignedNote.TryParse(key.Sign(new Checkpoint(Origin, 1, new byte[32])), out _)!;
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(key.VerifierKey.SubjectPublicKeyInfo, out _);

        var signature = Assert.Single(note.Signatures);

        Assert.True(publicKey.VerifyData(Encoding.UTF8.GetBytes(note.Text), signature.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_tampered_checkpoint_or_signature_is_refused()
    {
        using var key = LogSigningKey.Create(Origin);
        var note = key.Sign(new Checkpoint(Origin, 7, SHA256.HashData([1])));
        var signatureLine = note[(note.LastIndexOf('\u2014') + 2)..];
        var encoded = signatureLine.Split(' ')[1].TrimEnd('\n');
        var bytes = Convert.FromBase64String(encoded);
        bytes[^1] ^= 0x01;
        var badSignature = note.Replace(encoded, Convert.ToBase64String(bytes), StringComparison.Ordinal);
        var biggerTree = note.Replace("\n7\n", "\n8\n", StringComparison.Ordinal);

        Assert.Null(key.VerifierKey.TryOpenCheckpoint(badSignature, out var signatureError));
        Assert.Contains("no valid signature", signatureError, StringComparison.Ordinal);
        Assert.Null(key.VerifierKey.TryOpenCheckpoint(biggerTree, out var sizeError));
        Assert.Contains("no valid signature", sizeError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_of_the_same_name_is_refused()
    {
        using var key = LogSigningKey.Create(Origin);
        using var impostor = LogSigningKey.Create(Origin);

        Assert.Null(key.VerifierKey.TryOpenCheckpoint(impostor.Sign(new Checkpoint(Origin, 3, new byte[32])), out var error));
        Assert.Contains(key.VerifierKey.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("log+0000+AgAA", "8 hexadecimal")]
    [InlineData("log", "<name>+<key id>")]
    [InlineData("log+00000000+AQAA", "ECDSA")]
    [InlineData("log+00000000+AjBZ", "does not match")]
    public void Malformed_verifier_keys_are_refused_with_the_reason(string text, string reason)
    {
        Assert.Null(LogVerifierKey.TryParse(text, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
