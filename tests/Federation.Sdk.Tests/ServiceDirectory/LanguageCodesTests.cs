using Federation.Sdk.ServiceDirectory;

namespace Federation.Sdk.Tests.ServiceDirectory;

public sealed class LanguageCodesTests
{
    [Theory]
    [InlineData("en", "English")]
    [InlineData("fr", "French")]
    [InlineData("fre", "French")]
    [InlineData("iu", "Inuktitut")]
    [InlineData("cr", "Cree")]
    [InlineData("crk", "Plains Cree")]
    [InlineData("mic", "Mi'kmaq")]
    [InlineData("oj", "Ojibwa")]
    public void ISO_639_codes_of_every_part_are_known(string code, string name)
    {
        Assert.True(LanguageCodes.IsValid(code));
        Assert.Equal(name, LanguageCodes.NameOf(code));
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("english")]
    [InlineData("")]
    [InlineData("e")]
    public void Anything_else_is_not_a_language_code(string code) => Assert.False(LanguageCodes.IsValid(code));

    [Fact]
    public void Codes_of_different_parts_for_one_language_compare_equal()
    {
        Assert.Equal("fra", LanguageCodes.ToIso6393("fr"));
        Assert.Equal("fra", LanguageCodes.ToIso6393("fre"));
        Assert.Equal("fra", LanguageCodes.ToIso6393("FRA"));
        Assert.Null(LanguageCodes.ToIso6393("xx"));
    }
}
