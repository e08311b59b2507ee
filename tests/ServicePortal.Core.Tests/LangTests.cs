using System.Globalization;
using ServicePortal.Core.Localization;

namespace ServicePortal.Core.Tests;

public sealed class LangTests
{
    [Theory]
    [InlineData("sw", "Karibu")]
    [InlineData("sw-TZ", "Karibu")]
    [InlineData("en", "Welcome")]
    [InlineData("en-GB", "Welcome")]
    [InlineData("fr", "Karibu")] // anything else falls back to Kiswahili, the default
    public void Picks_the_text_of_the_current_language(string culture, string expected)
    {
        var saved = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            Assert.Equal(expected, Lang.T("Karibu", "Welcome"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }

    [Fact]
    public void Kiswahili_is_the_default_and_both_languages_are_supported()
    {
        Assert.Equal("sw", Lang.Default);
        Assert.True(Lang.IsSupported("sw") && Lang.IsSupported("EN"));
        Assert.False(Lang.IsSupported("fr") || Lang.IsSupported(null) || Lang.IsSupported("sw;drop"));
    }
}
