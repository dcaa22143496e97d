using System.Security.Cryptography;
using System.Text;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Bounded contribution: each person (by the source's person key) counts in at most one record per reference year, so
/// one person moves each table by at most one and the privacy guarantee covers people, not only records. The node
/// keeps only an HMAC of each key with its secret key, in memory for the run; no person key is stored or sent.
/// </summary>
public sealed class PersonYearBound
{
    // Separates these hashes from any other use of the node key.
    private const string DomainTag = "federation.person-key.v1";

    private readonly byte[] _key;
    private readonly HashSet<(string Person, int Year)> _counted = [];

    public PersonYearBound(byte[] nodeKey)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        CountsDigest.RequireNodeKey(nodeKey, nameof(nodeKey));

        _key = (byte[])nodeKey.Clone();
    }

    /// <summary>
    /// Whether a record of <paramref name="personKey"/> in <paramref name="referenceYear"/> may be counted: true for a
    /// record without a person key and for the person's first record of the year, false for any later one.
    /// </summary>
    public bool TryCount(string? personKey, int referenceYear)
    {
        if (string.IsNullOrWhiteSpace(personKey))
        {
            return true;
        }

        var person = Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(DomainTag + "\n" + personKey.Trim())));
        return _counted.Add((person, referenceYear));
    }
}
