using System.Buffers;
using Google.Protobuf;

namespace Federation.Sdk.Signing;

/// <summary>
/// Reads signed release bytes as the gateway accepts them and auditors re-read them: only the canonical encoding of
/// the message, so no unknown field (an address smuggled onto a redacted location, a name in a statistics release)
/// can ride along in the signed bytes, which mean exactly what was parsed.
/// </summary>
public static class CanonicalMessage
{
    /// <summary>The message, or null with <paramref name="problem"/> saying why the bytes are not its canonical encoding.</summary>
    public static T? TryParse<T>(byte[] bytes, out string? problem)
        where T : class, IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(bytes);
        T message;
        try
        {
            message = Parsers<T>.DiscardingUnknownFields.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            problem = $"The envelope bytes are not a {Parsers<T>.MessageName} message: {e.Message}";
            return null;
        }

        // Recognised in one pass over the bytes when it can be; otherwise compared with the writer's output.
        if (!CanonicalEncoding.IsCertainlyCanonical(message.Descriptor, bytes) && !IsEncodingOf(message, bytes))
        {
            problem = $"The envelope bytes are not the canonical encoding of a {Parsers<T>.MessageName} (unknown fields or non-canonical field order).";
            return null;
        }

        problem = null;
        return message;
    }

    // The canonical writer's output, into a pooled buffer, is exactly the bytes: same length first, then every byte.
    private static bool IsEncodingOf(IMessage message, byte[] bytes)
    {
        var size = message.CalculateSize();
        if (size != bytes.Length)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = buffer.AsSpan(0, size);
            message.WriteTo(written);
            return written.SequenceEqual(bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Unknown fields are dropped on parse, so the comparison with the canonical encoding catches any that were sent.
    private static class Parsers<T>
        where T : class, IMessage<T>, new()
    {
        public static readonly MessageParser<T> DiscardingUnknownFields = new MessageParser<T>(() => new T()).WithDiscardUnknownFields(true);

        public static readonly string MessageName = new T().Descriptor.FullName;
    }
}
