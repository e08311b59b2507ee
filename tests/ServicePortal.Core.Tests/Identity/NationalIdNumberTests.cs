using System.Globalization;
using FluentValidation;
using ServicePortal.Core.Identity;

namespace ServicePortal.Core.Tests.Identity;

public sealed class NationalIdNumberTests
{
    private static readonly DateOnly Today = new(2026, 11, 29);

    [Theory]
    [InlineData("19900415-11111-00001-23")]
    [InlineData("19900415111110000123")]
    [InlineData("19900415 11111 00001 23")]
    [InlineData("  1990 0415-11111 0000123 ")]
    public void Accepts_the_digits_with_dashes_spaces_or_neither(string input)
    {
        var nin = NationalIdNumber.Parse(input, Today);

        Assert.Equal("19900415111110000123", nin.Digits);
        Assert.Equal("19900415-11111-00001-23", nin.Formatted);
        Assert.Equal(new DateOnly(1990, 4, 15), nin.DateOfBirth);
    }

    [Fact]
    public void Shows_itself_masked_so_a_log_line_never_carries_it_whole()
    {
        var nin = NationalIdNumber.Parse("19900415-11111-00001-23", Today);

        Assert.Equal("1990****-*****-***01-23", nin.Masked);
        Assert.Equal(nin.Masked, nin.ToString());
        Assert.Equal(nin.Masked, string.Format(CultureInfo.InvariantCulture, "{0}", nin));
    }

    [Theory]
    [InlineData(null, NinError.Empty)]
    [InlineData("", NinError.Empty)]
    [InlineData("   ", NinError.Empty)]
    [InlineData("1990041511111000012", NinError.WrongLength)] // 19 digits
    [InlineData("199004151111100001234", NinError.WrongLength)] // 21 digits
    [InlineData("19900415-11111-00001-2X", NinError.WrongCharacters)]
    [InlineData("19900415_11111_00001_23", NinError.WrongCharacters)]
    [InlineData("１９９００４１５１１１１１０００01２３", NinError.WrongCharacters)] // full-width digits
    [InlineData("<script>alert(1)</script>", NinError.WrongCharacters)]
    [InlineData("'; DROP TABLE accounts; --", NinError.WrongCharacters)]
    [InlineData("19901341-11111-00001-23", NinError.NotADate)] // month 13
    [InlineData("19900230-11111-00001-23", NinError.NotADate)] // 30 February
    [InlineData("18991231-11111-00001-23", NinError.NotADate)]
    [InlineData("20261130-11111-00001-23", NinError.FutureDate)] // tomorrow
    public void Refuses_every_malformed_shape_with_the_reason(string? input, NinError expected)
    {
        Assert.False(NationalIdNumber.TryParse(input, Today, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Refuses_an_absurdly_long_input_quickly()
    {
        Assert.False(NationalIdNumber.TryParse(new string('1', 100_000), Today, out _, out var error));
        Assert.Equal(NinError.WrongLength, error);
    }

    [Fact]
    public void A_leap_day_is_a_real_date()
    {
        Assert.True(NationalIdNumber.TryParse("20000229-12345-12345-12", Today, out var nin, out _));
        Assert.Equal(new DateOnly(2000, 2, 29), nin.DateOfBirth);
    }

    private sealed record Form(string? Nin);

    private sealed class FormValidator : AbstractValidator<Form>
    {
        public FormValidator(TimeProvider clock) => RuleFor(f => f.Nin).MustBeNationalIdNumber(clock);
    }

    [Theory]
    [InlineData("sw", "NIN ina tarakimu 20, kwa mfano 19900415-11111-00001-23.")]
    [InlineData("en", "A NIN has 20 digits, for example 19900415-11111-00001-23.")]
    public void The_validation_rule_speaks_the_persons_language(string culture, string expected)
    {
        var saved = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            var result = new FormValidator(TimeProvider.System).Validate(new Form("1234"));

            Assert.Equal(expected, Assert.Single(result.Errors).ErrorMessage);
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }

    [Fact]
    public void The_validation_rule_accepts_a_valid_NIN()
    {
        Assert.True(new FormValidator(TimeProvider.System).Validate(new Form("19900415-11111-00001-23")).IsValid);
    }
}
