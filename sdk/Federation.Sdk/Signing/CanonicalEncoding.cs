using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace Federation.Sdk.Signing;

/// <summary>
/// Recognises, in one pass over the bytes, the encoding the protobuf writer produces for a message: every field known,
/// in field-number order, each once (a repeated string, bytes or message field: its elements one after another), in
/// the wire type the writer uses, varints and lengths in their shortest form, numbers in their type's range, repeated
/// numbers packed, a field without presence only when it is not its default, at most one field of a oneof, strings
/// valid UTF-8. It only ever says yes: whatever it does not recognise (a map, a float of zero or NaN, an unpacked
/// repeated number, anything malformed) is "not sure", and <see cref="CanonicalMessage"/> then compares with the
/// writer's output, which decides.
/// </summary>
internal static class CanonicalEncoding
{
    private const int MaxDepth = 32;

    /// <summary>True when <paramref name="bytes"/> are certainly what the writer produces for the message they encode.</summary>
    public static bool IsCertainlyCanonical(MessageDescriptor descriptor, ReadOnlySpan<byte> bytes) => IsCanonical(MessageShape.Of(descriptor), bytes, 0);

    private static bool IsCanonical(MessageShape shape, ReadOnlySpan<byte> bytes, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        var lastNumber = 0;
        Span<bool> oneofSeen = shape.OneofCount <= 64 ? stackalloc bool[shape.OneofCount] : new bool[shape.OneofCount];
        while (!bytes.IsEmpty)
        {
            if (!TryReadVarint(ref bytes, out var tag) || tag > uint.MaxValue)
            {
                return false;
            }

            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            var field = shape.Find(number);
            if (field is null || field.IsMap || number < lastNumber)
            {
                return false;
            }

            if (number == lastNumber && !field.RepeatsElement)
            {
                return false;
            }

            if (number != lastNumber && field.OneofIndex >= 0)
            {
                if (oneofSeen[field.OneofIndex])
                {
                    return false;
                }

                oneofSeen[field.OneofIndex] = true;
            }

            lastNumber = number;
            var ok = field.Type switch
            {
                FieldType.Message => wireType == 2 && TryReadLengthDelimited(ref bytes, out var message) && IsCanonical(field.Message!, message, depth + 1),
                FieldType.String => wireType == 2 && TryReadLengthDelimited(ref bytes, out var text) && Utf8.IsValid(text) && (!text.IsEmpty || field.IsRepeated || field.HasPresence),
                FieldType.Bytes => wireType == 2 && TryReadLengthDelimited(ref bytes, out var data) && (!data.IsEmpty || field.IsRepeated || field.HasPresence),
                FieldType.Group => false,
                _ when field.IsRepeated => field.IsPacked && wireType == 2 && TryReadLengthDelimited(ref bytes, out var packed) && IsPackedCanonical(field.Type, packed),
                _ => wireType == WireTypeOf(field.Type) && TryReadScalar(field.Type, ref bytes, out var isDefault) && (!isDefault || field.HasPresence),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // A packed repeated number: at least one element (the writer omits an empty list), each canonical, filling the record exactly.
    private static bool IsPackedCanonical(FieldType type, ReadOnlySpan<byte> packed)
    {
        if (packed.IsEmpty)
        {
            return false;
        }

        while (!packed.IsEmpty)
        {
            if (!TryReadScalar(type, ref packed, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static int WireTypeOf(FieldType type) => type switch
    {
        FieldType.Fixed64 or FieldType.SFixed64 or FieldType.Double => 1,
        FieldType.Fixed32 or FieldType.SFixed32 or FieldType.Float => 5,
        _ => 0,
    };

    // One number in the form the writer gives it; isDefault: it is its type's zero.
    private static bool TryReadScalar(FieldType type, ref ReadOnlySpan<byte> bytes, out bool isDefault)
    {
        isDefault = false;
        switch (type)
        {
            case FieldType.Fixed64 or FieldType.SFixed64:
            case FieldType.Fixed32 or FieldType.SFixed32:
                {
                    var size = type is FieldType.Fixed64 or FieldType.SFixed64 ? 8 : 4;
                    if (bytes.Length < size)
                    {
                        return false;
                    }

                    isDefault = !bytes[..size].ContainsAnyExcept((byte)0);
                    bytes = bytes[size..];
                    return true;
                }

            case FieldType.Double or FieldType.Float:
                {
                    var size = type == FieldType.Double ? 8 : 4;
                    if (bytes.Length < size)
                    {
                        return false;
                    }

                    // Only finite, non-zero values: the writer's handling of a zero's sign and of NaN payloads is left to it.
                    var value = size == 8
                        ? BitConverter.ToDouble(bytes[..8])
                        : BitConverter.ToSingle(bytes[..4]);
                    bytes = bytes[size..];
                    return double.IsFinite(value) && value != 0;
                }

            default:
                {
                    if (!TryReadVarint(ref bytes, out var value))
                    {
                        return false;
                    }

                    isDefault = value == 0;
                    return type switch
                    {
                        FieldType.Int32 or FieldType.Enum => value == (ulong)(long)(int)(uint)value,
                        FieldType.UInt32 or FieldType.SInt32 => value <= uint.MaxValue,
                        FieldType.Int64 or FieldType.UInt64 or FieldType.SInt64 => true,
                        FieldType.Bool => value <= 1,
                        _ => false,
                    };
                }
        }
    }

    private static bool TryReadLengthDelimited(ref ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (!TryReadVarint(ref bytes, out var length) || length > (ulong)bytes.Length)
        {
            return false;
        }

        content = bytes[..(int)length];
        bytes = bytes[(int)length..];
        return true;
    }

    // A varint in its shortest form: no final byte 0 after the first, at most ten bytes, the tenth 0 or 1.
    private static bool TryReadVarint(ref ReadOnlySpan<byte> bytes, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < bytes.Length; i++)
        {
            var b = bytes[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if ((b == 0 && i > 0) || (i == 9 && b > 1))
                {
                    return false;
                }

                bytes = bytes[(i + 1)..];
                return true;
            }
        }

        return false;
    }

    /// <summary>What the check needs of a message's fields, read once from the descriptor (some of its properties are computed on every read).</summary>
    private sealed class MessageShape
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<MessageDescriptor, MessageShape> s_shapes = new();

        private readonly Dictionary<int, FieldShape> _fields = [];

        private MessageShape(MessageDescriptor descriptor)
        {
            OneofCount = descriptor.Oneofs.Count;
        }

        public int OneofCount { get; }

        public static MessageShape Of(MessageDescriptor descriptor)
        {
            if (s_shapes.TryGetValue(descriptor, out var known))
            {
                return known;
            }

            // Built whole before it is shared; a message type that contains itself refers to the instance being built.
            var building = new Dictionary<MessageDescriptor, MessageShape>();
            var shape = Build(descriptor, building);
            foreach (var (built, builtShape) in building)
            {
                s_shapes.TryAdd(built, builtShape);
            }

            return shape;
        }

        public FieldShape? Find(int number) => _fields.GetValueOrDefault(number);

        private static MessageShape Build(MessageDescriptor descriptor, Dictionary<MessageDescriptor, MessageShape> building)
        {
            if (s_shapes.TryGetValue(descriptor, out var known) || building.TryGetValue(descriptor, out known))
            {
                return known;
            }

            var shape = new MessageShape(descriptor);
            building.Add(descriptor, shape);
            foreach (var field in descriptor.Fields.InFieldNumberOrder())
            {
                var isMap = field.IsMap;
                shape._fields.Add(field.FieldNumber, new FieldShape(
                    field.FieldType,
                    field.IsRepeated,
                    field.IsRepeated && field.IsPacked,
                    isMap,
                    field.HasPresence,
                    field.ContainingOneof?.Index ?? -1,
                    field.FieldType == FieldType.Message && !isMap ? Build(field.MessageType, building) : null));
            }

            return shape;
        }
    }

    private sealed record FieldShape(FieldType Type, bool IsRepeated, bool IsPacked, bool IsMap, bool HasPresence, int OneofIndex, MessageShape? Message)
    {
        /// <summary>A repeated string, bytes or message field: its elements follow one another under the same number.</summary>
        public bool RepeatsElement => IsRepeated && Type is FieldType.String or FieldType.Bytes or FieldType.Message;
    }
}
