using System.Security.Cryptography;
using System.Text;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using static Federation.Sdk.Protection.CanonicalWriter;

namespace Federation.Sdk.Privacy;

/// <summary>
/// The noise of a release as a function, not a draw: the bit source of one release is an <see cref="HmacDrbg"/> seeded
/// from the node's secret key, the dataset and its policy, the jurisdiction, the reference year, the edition and the
/// counts. The same inputs always give the same noise, so preview, run, retry or a deleted ledger release the same
/// values, and an operator cannot re-draw until a draw pleases; any input changed gives an independent draw.
/// </summary>
/// <remarks>
/// Construction (documented in the SDK's Privacy README):
/// d = <see cref="CountsDigest"/> = HMAC-SHA256(K, dataset, policy, jurisdiction, year, every cell's codes and count);
/// seed = HKDF-SHA256 (RFC 5869) with IKM = K, salt = "federation.release-noise.v1", info = (d, edition), 48 bytes;
/// bits = HMAC_DRBG-SHA256 (SP 800-90A) instantiated with entropy input seed[0..32), nonce seed[32..48) and
/// personalization "federation.release-noise.v1", read in order by the exact samplers cell after cell.
/// Without K the seed cannot be computed, so the noise stays secret even to someone who knows the counts.
/// </remarks>
public static class ReleaseNoise
{
    // Separates this use of the node key from the counts digest and random rounding.
    private const string DomainTag = "federation.release-noise.v1";

    private const int EntropyBytes = 32;
    private const int NonceBytes = 16;

    /// <summary>The bit source for one release of <paramref name="counts"/> at <paramref name="edition"/>.</summary>
    public static HmacDrbg For(byte[] nodeKey, DatasetDefinition dataset, string jurisdiction, YearCounts counts, int edition) =>
        For(nodeKey, CountsDigest.Compute(nodeKey, dataset, jurisdiction, counts), edition);

    /// <summary>The bit source for the release whose counts digest (under <paramref name="nodeKey"/>) is <paramref name="countsDigest"/>.</summary>
    public static HmacDrbg For(byte[] nodeKey, string countsDigest, int edition)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(countsDigest);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(edition);
        CountsDigest.RequireNodeKey(nodeKey, nameof(nodeKey));

        using var info = new MemoryStream();
        WriteString(info, countsDigest);
        WriteInt64(info, edition);
        var personalization = Encoding.UTF8.GetBytes(DomainTag);
        var seed = HKDF.DeriveKey(HashAlgorithmName.SHA256, nodeKey, EntropyBytes + NonceBytes, personalization, info.ToArray());
        try
        {
            return new HmacDrbg(seed.AsSpan(0, EntropyBytes), seed.AsSpan(EntropyBytes, NonceBytes), personalization);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
