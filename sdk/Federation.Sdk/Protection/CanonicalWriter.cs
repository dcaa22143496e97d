using System.Buffers.Binary;
using System.Text;

namespace Federation.Sdk.Protection;

/// <summary>Length-prefixed, big-endian encoding of keyed-hash inputs, so no two different inputs share an encoding.</summary>
internal static class CanonicalWriter
{
    public static void WriteString(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt64(stream, bytes.Length);
        stream.Write(bytes);
    }

    public static void WriteInt64(Stream stream, long value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        stream.Write(buffer);
    }
}
