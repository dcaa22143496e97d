using System.Security.Cryptography;

namespace Federation.Sdk.Privacy;

/// <summary>
/// HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1, section 10.1.2), without reseeding, prediction resistance or
/// additional input: a deterministic random bit generator whose whole output is fixed by its seed. It is the bit source
/// of <see cref="ReleaseNoise"/>, which seeds it from the node's secret key and what a release protects. Not
/// thread-safe.
/// </summary>
public sealed class HmacDrbg : IRandomBitSource
{
    /// <summary>The largest generate request SP 800-90A allows for HMAC_DRBG: 2^19 bits.</summary>
    public const int MaximumRequestBytes = 1 << 16;

    // Fill serves bytes from generate requests of this size; the output therefore depends only on the seed and on how
    // many bytes were read in total, not on how the reads were split.
    private const int BlockSize = 512;
    private const int OutputLength = HMACSHA256.HashSizeInBytes;

    private readonly byte[] _key = new byte[OutputLength];
    private readonly byte[] _value = new byte[OutputLength];
    private readonly byte[] _block = new byte[BlockSize];
    private readonly byte[] _scratch = new byte[OutputLength];
    private int _position = BlockSize;

    /// <summary>Instantiates the generator (SP 800-90A 10.1.2.3) from entropy input, nonce and personalization string.</summary>
    /// <exception cref="ArgumentException">The entropy input is shorter than 32 bytes (256-bit security strength).</exception>
    public HmacDrbg(ReadOnlySpan<byte> entropyInput, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> personalization)
    {
        if (entropyInput.Length < OutputLength)
        {
            throw new ArgumentException($"HMAC_DRBG needs at least {OutputLength} bytes of entropy input; it got {entropyInput.Length}.", nameof(entropyInput));
        }

        _value.AsSpan().Fill(0x01);
        var seedMaterial = new byte[entropyInput.Length + nonce.Length + personalization.Length];
        entropyInput.CopyTo(seedMaterial);
        nonce.CopyTo(seedMaterial.AsSpan(entropyInput.Length));
        personalization.CopyTo(seedMaterial.AsSpan(entropyInput.Length + nonce.Length));
        Update(seedMaterial);
        CryptographicOperations.ZeroMemory(seedMaterial);
    }

    /// <summary>The working state (V, Key), for checking against the published test vectors.</summary>
    internal (byte[] Value, byte[] Key) State => ((byte[])_value.Clone(), (byte[])_key.Clone());

    /// <summary>One generate request (SP 800-90A 10.1.2.5): fills <paramref name="output"/>, then updates the state.</summary>
    public void Generate(Span<byte> output)
    {
        if (output.Length > MaximumRequestBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(output), output.Length, $"One HMAC_DRBG request returns at most {MaximumRequestBytes} bytes.");
        }

        while (output.Length > 0)
        {
            NextValue();
            var take = Math.Min(output.Length, OutputLength);
            _value.AsSpan(0, take).CopyTo(output);
            output = output[take..];
        }

        Update([]);
    }

    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_position == BlockSize)
            {
                Generate(_block);
                _position = 0;
            }

            var take = Math.Min(destination.Length, BlockSize - _position);
            _block.AsSpan(_position, take).CopyTo(destination);
            _position += take;
            destination = destination[take..];
        }
    }

    // HMAC_DRBG_Update (SP 800-90A 10.1.2.2).
    private void Update(ReadOnlySpan<byte> providedData)
    {
        var input = new byte[OutputLength + 1 + providedData.Length];
        for (byte round = 0; round < (providedData.IsEmpty ? 1 : 2); round++)
        {
            _value.CopyTo(input, 0);
            input[OutputLength] = round;
            providedData.CopyTo(input.AsSpan(OutputLength + 1));
            HMACSHA256.HashData(_key, input, _scratch);
            _scratch.CopyTo(_key, 0);
            NextValue();
        }
    }

    // V = HMAC(Key, V), through a separate buffer: the one-shot HMAC is not documented to allow overlapping spans.
    private void NextValue()
    {
        HMACSHA256.HashData(_key, _value, _scratch);
        _scratch.CopyTo(_value, 0);
    }
}
