using System.Security.Cryptography;
using System.Text;
using Federation.Sdk.Transparency;

namespace Federation.Sdk.Tests.Transparency;

/// <summary>
/// The served state encoding as documented (transparency.proto, docs/auditing.md), pinned with bytes written out by
/// hand and digests computed outside .NET (printf ... | openssl dgst -sha256), so an independent auditor gets the same.
/// </summary>
public sealed class ServedStateDigestTests
{
    private const string Origin = "gateway.federation.example/log";

    [Fact]
    public void The_cells_digest_is_sha256_of_the_cell_lines_sorted_in_byte_order()
    {
        ServedCell[] cells = [new("T1", ["F", "ADULT"], 12), new("T0", [], -3)];

        var digest = ServedStateDigest.OfCells(cells);

        // printf 'T0 -3\nT1 F ADULT 12\n' | sha256sum
        Assert.Equal("1d0e1328fb7671962ee8c55a233e8618e0c2bbd8af3f8bfb6c63c54a0e114592", Convert.ToHexStringLower(digest));
        Assert.Equal(SHA256.HashData("T0 -3\nT1 F ADULT 12\n"u8), digest);
        Assert.Equal("HQ4TKPt2cZYu6MVaIz6GGODCu9ivP4v7bGPFSg4RRZI=", Convert.ToBase64String(digest));
    }

    [Fact]
    public void The_served_state_digest_is_sha256_of_the_series_lines_sorted_in_byte_order()
    {
        ServedSeriesDigest[] series =
        [
            new("trafficking.victims.v1", 2024, "ON", 7, "aaaa", ServedStateDigest.OfCells([new("T1", ["F", "ADULT"], 12), new("T0", [], -3)])),
            new("trafficking.victims.v1", 2023, "QC", 3, "bbbb", ServedStateDigest.OfCells([new("T0", [], 0)])),
        ];

        var digest = ServedStateDigest.OfSeries(series);

        Assert.Equal(
            "trafficking.victims.v1 2024 ON 7 aaaa HQ4TKPt2cZYu6MVaIz6GGODCu9ivP4v7bGPFSg4RRZI=\n",
            ServedStateDigest.SeriesLine(series[0]));
        // printf 'trafficking.victims.v1 2023 QC 3 bbbb 1NJjNztWrjXo/denyT47wHcrylCiY0hGJinL/LOswc8=\n
        //         trafficking.victims.v1 2024 ON 7 aaaa HQ4TKPt2cZYu6MVaIz6GGODCu9ivP4v7bGPFSg4RRZI=\n' | sha256sum
        Assert.Equal("4457c32460af455127ddeb0474387569a992f006544bad30caaa6f2ab8cb6084", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void The_served_state_note_is_the_checkpoint_text_with_one_extension_line_signed_by_the_log_key()
    {
        using var key = LogSigningKey.Create(Origin);
        var root = SHA256.HashData(Encoding.ASCII.GetBytes("root"));
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes("served"));
        var checkpoint = new Checkpoint(Origin, 5, root);

        var note = key.SignServedState(checkpoint, digest);
        var opened = ServedStateDigest.TryOpen(key.VerifierKey, note, out var error);

        Assert.Null(error);
        Assert.StartsWith(
            $"{Origin}\n5\n{Convert.ToBase64String(root)}\nfederation.v1/served-state {Convert.ToBase64String(digest)}\n\n\u2014 {Origin} ",
            note,
            StringComparison.Ordinal);
        Assert.Equal(5, opened!.Value.Checkpoint.TreeSize);
        Assert.Equal(digest, opened.Value.Digest);
        Assert.Equal(root, key.VerifierKey.TryOpenCheckpoint(note, out _)!.RootHash);
    }

    [Fact]
    public void A_served_state_note_with_a_changed_digest_or_a_plain_checkpoint_does_not_open()
    {
        using var key = LogSigningKey.Create(Origin);
        var checkpoint = new Checkpoint(Origin, 5, new byte[32]);
        var note = key.SignServedState(checkpoint, new byte[32]);
        var changed = note.Replace(
            $"served-state {Convert.ToBase64String(new byte[32])}",
            $"served-state {Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray())}",
            StringComparison.Ordinal);

        Assert.Null(ServedStateDigest.TryOpen(key.VerifierKey, changed, out var signatureError));
        Assert.Contains("no valid signature", signatureError, StringComparison.Ordinal);
        Assert.Null(ServedStateDigest.TryOpen(key.VerifierKey, key.Sign(checkpoint), out var plainError));
        Assert.Contains("federation.v1/served-state", plainError, StringComparison.Ordinal);
    }
}
