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
        var messageName = new T().Descriptor.FullName;
        // Unknown fields are dropped on parse, so the comparison below catches any that were sent.
        var parser = new MessageParser<T>(() => new T()).WithDiscardUnknownFields(true);
        T message;
        try
        {
            message = parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            problem = $"The envelope bytes are not a {messageName} message: {e.Message}";
            return null;
        }

        if (!message.ToByteArray().AsSpan().SequenceEqual(bytes))
        {
            problem = $"The envelope bytes are not the canonical encoding of a {messageName} (unknown fields or non-canonical field order).";
            return null;
        }

        problem = null;
        return message;
    }
}
