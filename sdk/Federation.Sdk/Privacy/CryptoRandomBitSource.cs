using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Federation.Sdk.Privacy;

/// <summary>
/// Random bytes from the operating system's cryptographic generator (<see cref="RandomNumberGenerator"/>), read in
/// blocks to keep the cost per draw low. One instance per thread: it is not thread-safe.
/// </summary>
public sealed class CryptoRandomBitSource : IRandomBitSource
{
    private const int BlockSize = 512;

    private readonly byte[] _block = new byte[BlockSize];
    private int _position = BlockSize;

    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_position == BlockSize)
            {
                RandomNumberGenerator.Fill(_block);
                _position = 0;
            }

            var take = Math.Min(destination.Length, BlockSize - _position);
            _block.AsSpan(_position, take).CopyTo(destination);
            CryptographicOperations.ZeroMemory(_block.AsSpan(_position, take));
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
