using System.Buffers.Binary;
using System.Numerics;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Where the samplers' randomness comes from: uniform random bytes. Production uses
/// <see cref="CryptoRandomBitSource"/>; tests inject <see cref="SeededRandomBitSource"/> so they are deterministic.
/// </summary>
public interface IRandomBitSource
{
    /// <summary>Fills <paramref name="destination"/> with independent, uniformly random bytes.</summary>
    void Fill(Span<byte> destination);

    /// <summary>A uniformly random 64-bit word.</summary>
    ulong NextUInt64()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>A uniformly random integer in [0, <paramref name="bound"/>), by rejection sampling (no modulo bias).</summary>
    BigInteger UniformBelow(BigInteger bound) => UniformIntegers.Below(this, bound);

    /// <summary>True with probability <paramref name="numerator"/>/<paramref name="denominator"/> (0 &lt;= n &lt;= d): one uniform integer below d.</summary>
    bool Bernoulli(BigInteger numerator, BigInteger denominator) => UniformBelow(denominator) < numerator;
}

/// <summary>Exact uniform integers from random bytes.</summary>
internal static class UniformIntegers
{
    public static BigInteger Below(IRandomBitSource source, BigInteger bound)
    {
        if (bound.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound of a uniform integer must be positive.");
        }

        if (bound <= ulong.MaxValue)
        {
            return Below(source, (ulong)bound);
        }

        // Draw as many bytes as the bound needs, masking the top byte to the bound's bit length, and reject out-of-range values.
        var length = bound.GetByteCount(isUnsigned: true);
        var topBits = (int)(bound.GetBitLength() - (8L * (length - 1)));
        var mask = (byte)((1 << topBits) - 1);
        var bytes = new byte[length];
        while (true)
        {
            source.Fill(bytes);
            bytes[^1] &= mask;
            var candidate = new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
            if (candidate < bound)
            {
                return candidate;
            }
        }
    }

    private static ulong Below(IRandomBitSource source, ulong bound)
    {
        if (bound == 1)
        {
            return 0;
        }

        // Mask to the bound's bit length and reject: at most two draws on average.
        var mask = ulong.MaxValue >> BitOperations.LeadingZeroCount(bound - 1);
        while (true)
        {
            var candidate = source.NextUInt64() & mask;
            if (candidate < bound)
            {
                return candidate;
            }
        }
    }
}
