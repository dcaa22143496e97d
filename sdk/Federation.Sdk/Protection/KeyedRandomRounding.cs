using System.Buffers.Binary;
using System.Security.Cryptography;
using Federation.Sdk.Catalog;
using static Federation.Sdk.Protection.CanonicalWriter;

namespace Federation.Sdk.Protection;

/// <summary>
/// Unbiased random rounding of each table to its base b, each cell's draw fixed by a keyed hash so that re-running
/// the same data gives the same output and repeated releases cannot be averaged.
/// </summary>
/// <remarks>
/// For v = q*b + r the output is (q+1)*b with probability r/b and q*b otherwise, so its expectation is v.
/// The draw is a uniform integer in [0, b) taken from HMAC-SHA256(key, canonical cell encoding) by rejection
/// sampling, in integers only; the value rounds up iff draw &lt; r.
/// </remarks>
public sealed class KeyedRandomRounding : IProtectionMechanism
{
    /// <summary>The shortest node key accepted, in bytes.</summary>
    public const int MinimumKeyLength = 32;

    // Separates these draws from any other use of the same key.
    private const string DomainTag = "federation.random-rounding.v1";

    private readonly byte[] _key;

    /// <exception cref="ArgumentException">The key is too short, or the policy is noise, not random rounding.</exception>
    public KeyedRandomRounding(byte[] key, ProtectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(policy);
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The rounding key must be at least {MinimumKeyLength} bytes; it is {key.Length}.", nameof(key));
        }

        if (policy.IsNoise)
        {
            throw new ArgumentException($"The policy requires {policy}, not random rounding.", nameof(policy));
        }

        _key = (byte[])key.Clone();
        Policy = policy;
    }

    public ProtectionPolicy Policy { get; }

    public long Protect(CellContext cell, long trueValue)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentOutOfRangeException.ThrowIfNegative(trueValue);
        var roundingBase = Policy.Of(cell.TableId).RoundingBase;
        var remainder = trueValue % roundingBase;
        var roundedDown = trueValue - remainder;
        if (remainder == 0)
        {
            return trueValue;
        }

        return Draw(cell, trueValue) < remainder ? checked(roundedDown + roundingBase) : roundedDown;
    }

    /// <summary>The cell's uniform draw in [0, base): a pure function of the key, the cell and its true value.</summary>
    internal int Draw(CellContext cell, long trueValue)
    {
        var roundingBase = Policy.Of(cell.TableId).RoundingBase;
        var message = Encode(cell, trueValue, roundingBase);
        // Accept a 64-bit word only below the largest multiple of the base, so every residue is equally likely.
        var limit = ulong.MaxValue - (((ulong.MaxValue % (ulong)roundingBase) + 1) % (ulong)roundingBase);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        for (var block = 0u; ; block++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(message.Length - sizeof(uint)), block);
            HMACSHA256.HashData(_key, message, hash);
            for (var offset = 0; offset < hash.Length; offset += sizeof(ulong))
            {
                var word = BinaryPrimitives.ReadUInt64BigEndian(hash[offset..]);
                if (word <= limit)
                {
                    return (int)(word % (ulong)roundingBase);
                }
            }
        }
    }

    // Length-prefixed fields, so no two different cells share an encoding; the last four bytes hold the block counter.
    private static byte[] Encode(CellContext cell, long trueValue, int roundingBase)
    {
        using var stream = new MemoryStream();
        WriteString(stream, DomainTag);
        WriteInt64(stream, roundingBase);
        WriteString(stream, cell.DatasetId);
        WriteString(stream, cell.Jurisdiction);
        WriteInt64(stream, cell.ReferenceYear);
        WriteString(stream, cell.TableId);
        WriteInt64(stream, cell.Codes.Count);
        foreach (var code in cell.Codes)
        {
            WriteString(stream, code);
        }

        WriteInt64(stream, trueValue);
        stream.Write(new byte[sizeof(uint)]);
        return stream.ToArray();
    }
}
