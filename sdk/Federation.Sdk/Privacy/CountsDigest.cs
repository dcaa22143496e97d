using System.Security.Cryptography;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using static Federation.Sdk.Protection.CanonicalWriter;

namespace Federation.Sdk.Privacy;

/// <summary>
/// A keyed digest (HMAC-SHA256 with the node's secret key) of a year's unprotected counts, kept in the privacy ledger
/// so the node can tell that a year's data has not changed without keeping the counts themselves. Without the key
/// the digest cannot be checked against guessed counts.
/// </summary>
public static class CountsDigest
{
    /// <summary>The shortest key accepted, in bytes.</summary>
    public const int MinimumKeyLength = 32;

    // Separates these digests from any other use of the same key.
    private const string DomainTag = "federation.counts-digest.v1";

    /// <summary>Lower-case hex HMAC of the counts, the dataset, jurisdiction and year, and the policy they are released under.</summary>
    public static string Compute(byte[] key, DatasetDefinition dataset, string jurisdiction, YearCounts counts)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(counts);
        RequireNodeKey(key, nameof(key));
        using var stream = new MemoryStream();
        WriteString(stream, DomainTag);
        WriteString(stream, dataset.Id);
        WriteString(stream, dataset.Protection.ToString());
        WriteString(stream, jurisdiction);
        WriteInt64(stream, counts.ReferenceYear);
        WriteInt64(stream, counts.Tables.Count);
        foreach (var table in counts.Tables)
        {
            WriteString(stream, table.Table.Id);
            WriteInt64(stream, table.Cells.Count);
            foreach (var cell in table.Cells)
            {
                WriteInt64(stream, cell.Codes.Count);
                foreach (var code in cell.Codes)
                {
                    WriteString(stream, code);
                }

                WriteInt64(stream, cell.Value);
            }
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, stream.ToArray()));
    }

    /// <summary>Refuses a node key shorter than <see cref="MinimumKeyLength"/>, naming <paramref name="parameterName"/>.</summary>
    internal static void RequireNodeKey(byte[] key, string parameterName)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The node key must be at least {MinimumKeyLength} bytes; it is {key.Length}.", parameterName);
        }
    }

    /// <summary>Constant-time comparison of two digests.</summary>
    public static bool AreEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(a), System.Text.Encoding.ASCII.GetBytes(b));
}
