using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Federation.Sdk.Privacy;

/// <summary>
/// A deterministic stream of random-looking bytes for tests and benchmarks: SHA-256 of (seed, block counter). The same
/// seed always gives the same stream. Never use it to protect real data: anyone who knows the seed knows the noise.
/// </summary>
public sealed class SeededRandomBitSource : IRandomBitSource
{
    private readonly byte[] _input = new byte[2 * sizeof(ulong)];
    private readonly byte[] _block = new byte[SHA256.HashSizeInBytes];
    private int _position = SHA256.HashSizeInBytes;
    private ulong _counter;

    public SeededRandomBitSource(ulong seed)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_input, seed);
    }

    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_position == _block.Length)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(_input.AsSpan(sizeof(ulong)), _counter++);
                SHA256.HashData(_input, _block);
                _position = 0;
            }

            var take = Math.Min(destination.Length, _block.Length - _position);
            _block.AsSpan(_position, take).CopyTo(destination);
            _position += take;
            destination = destination[take..];
        }
    }

    public ulong NextUInt64()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
