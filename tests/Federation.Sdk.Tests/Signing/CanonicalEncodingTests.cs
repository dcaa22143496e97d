using System.Collections;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Signing;
using Federation.Sdk.Tests.Submissions;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Federation.Sdk.Tests.Signing;

/// <summary>
/// The one-pass canonical check against the rule it stands in for (the bytes are exactly the writer's output for what
/// they parse to): over valid releases altered at every byte and messages of every field kind filled at random, the
/// verdict of <see cref="CanonicalMessage.TryParse{T}"/> is the writer comparison's, and whenever the one-pass check
/// says canonical, the writer's output is the bytes.
/// </summary>
public sealed class CanonicalEncodingTests
{
    private static readonly DateTimeOffset s_produced = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_valid_release_is_recognised_in_one_pass()
    {
        var bytes = ValidSubmissions.For(DatasetCatalog.Default.Get("trafficking.victims.v1"), "ON", 2024, s_produced).ToByteArray();

        Assert.True(CanonicalEncoding.IsCertainlyCanonical(Submission.Descriptor, bytes));
        Assert.NotNull(CanonicalMessage.TryParse<Submission>(bytes, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Every_byte_of_a_release_altered_gets_the_writer_comparisons_verdict()
    {
        var submission = ValidSubmissions.For(DatasetCatalog.Default.Get("trafficking.victims.v1"), "ON", 2024, s_produced);
        submission.Tables.RemoveAt(submission.Tables.Count - 1); // smaller: every byte position stays cheap
        var bytes = submission.ToByteArray();
        for (var position = 0; position < bytes.Length; position++)
        {
            var altered = bytes.ToArray();
            altered[position] ^= (byte)(position % 3 switch { 0 => 0x01, 1 => 0x80, _ => 0xFF });
            AssertSameVerdict<Submission>(altered);
        }
    }

    [Fact]
    public void Structural_changes_get_the_writer_comparisons_verdict()
    {
        var bytes = ValidSubmissions.For(DatasetCatalog.Default.Get("trafficking.victims.v1"), "ON", 2024, s_produced).ToByteArray();
        byte[][] variants =
        [
            [.. bytes, .. bytes], // every field twice
            [.. bytes, 0x08, 0x01], // dataset_id's number with a varint: an unknown wire type for it
            [.. bytes, 0xF8, 0x07, 0x01], // field 127: unknown
            [.. bytes[..^1]], // truncated
            [0x0A, 0x80, 0x00, .. bytes[2..]], // a length in a longer form than needed (if the first field is that short)
            [.. bytes, 0x18, 0x00], // reference_year written again as its default
            [.. bytes, 0x18, 0x80, 0x00], // reference_year again, its varint too long
            [0x18, 0xE8, 0x0F, .. bytes], // reference_year before dataset_id: out of order
            [],
        ];
        foreach (var variant in variants)
        {
            AssertSameVerdict<Submission>(variant);
        }
    }

    [Fact]
    public void Messages_of_every_field_kind_filled_at_random_get_the_writer_comparisons_verdict()
    {
        var random = new Random(17);
        var recognised = 0;
        for (var i = 0; i < 300; i++)
        {
            var release = (DirectoryRelease)Fill(DirectoryRelease.Descriptor, random, 0);
            var bytes = release.ToByteArray();
            recognised += CanonicalEncoding.IsCertainlyCanonical(DirectoryRelease.Descriptor, bytes) ? 1 : 0;
            AssertSameVerdict<DirectoryRelease>(bytes);
            for (var j = 0; j < 8 && bytes.Length > 0; j++)
            {
                var altered = bytes.ToArray();
                altered[random.Next(altered.Length)] ^= (byte)random.Next(1, 256);
                AssertSameVerdict<DirectoryRelease>(altered);
            }

            AssertSameVerdict<DirectoryRelease>([.. bytes, .. bytes]);
        }

        // Most writer outputs are recognised (the rest hold a float of zero or NaN, left to the writer comparison).
        Assert.True(recognised > 150, $"only {recognised} of 300 recognised");
    }

    private static void AssertSameVerdict<T>(byte[] bytes)
        where T : class, IMessage<T>, new()
    {
        bool writerSaysCanonical;
        try
        {
            var parsed = new MessageParser<T>(() => new T()).WithDiscardUnknownFields(true).ParseFrom(bytes);
            writerSaysCanonical = parsed.ToByteArray().AsSpan().SequenceEqual(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            writerSaysCanonical = false;
        }

        Assert.Equal(writerSaysCanonical, CanonicalMessage.TryParse<T>(bytes, out _) is not null);
        if (CanonicalEncoding.IsCertainlyCanonical(new T().Descriptor, bytes))
        {
            Assert.True(writerSaysCanonical, $"recognised as canonical but the writer writes otherwise: {Convert.ToHexString(bytes)}");
        }
    }

    // A message with a random subset of its fields set to values of every kind, defaults, zeros and NaN among them.
    private static IMessage Fill(MessageDescriptor descriptor, Random random, int depth)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsMap || random.Next(3) == 0 || (field.FieldType == FieldType.Message && depth >= 4))
            {
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var n = random.Next(4); n > 0; n--)
                {
                    list.Add(Value(field, random, depth));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Value(field, random, depth));
            }
        }

        return message;
    }

    private static object Value(FieldDescriptor field, Random random, int depth) => field.FieldType switch
    {
        FieldType.Message => Fill(field.MessageType, random, depth + 1),
        FieldType.String => new[] { string.Empty, "ON", "Centre d'aide \u00e9t\u00e9", "\ud83d\ude00", new string('x', 200) }[random.Next(5)],
        FieldType.Bytes => ByteString.CopyFrom(new byte[random.Next(3)]),
        FieldType.Bool => random.Next(2) == 1,
        FieldType.Double => new[] { 0.0, -0.0, 45.4215, -75.6972, double.NaN, 1e300 }[random.Next(6)],
        FieldType.Float => new[] { 0f, -0f, 1.5f, float.NaN }[random.Next(4)],
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, new[] { 0, 1, 2, -1, 99 }[random.Next(5)]),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new[] { 0, 1, -1, 300, int.MaxValue, int.MinValue }[random.Next(6)],
        FieldType.UInt32 or FieldType.Fixed32 => new[] { 0u, 1u, 300u, uint.MaxValue }[random.Next(4)],
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => new[] { 0L, 1L, -1L, long.MaxValue, long.MinValue, 1_700_000_000L }[random.Next(6)],
        FieldType.UInt64 or FieldType.Fixed64 => new[] { 0UL, 1UL, ulong.MaxValue }[random.Next(3)],
        _ => throw new NotSupportedException(field.FieldType.ToString()),
    };
}
