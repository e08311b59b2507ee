using System.Globalization;
using FluentValidation;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Core.Identity;

/// <summary>
/// The national identification number (NIN) issued by NIDA: 20 digits, written
/// <c>YYYYMMDD-NNNNN-NNNNN-NN</c>, the first 8 the holder's date of birth. No public check-digit rule is known,
/// so a NIN is valid when it is 20 digits whose first 8 are a real date that is not in the future.
/// </summary>
/// <remarks>
/// It is personal data (it contains the birth date): <see cref="ToString"/> gives the masked form, so a NIN
/// that reaches a log line or a page by accident shows only the year and the last four digits. Use
/// <see cref="Digits"/> to store it and <see cref="Formatted"/> where the person themselves must read it.
/// It is never an OpenID Connect <c>sub</c>.
/// </remarks>
public readonly record struct NationalIdNumber
{
    private const int Length = 20;
    private const int LongestInput = 64;

    private NationalIdNumber(string digits) => Digits = digits;

    /// <summary>The 20 digits, no separators: the stored form.</summary>
    public string Digits { get; }

    public DateOnly DateOfBirth => DateOnly.ParseExact(Digits[..8], "yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary><c>19900415-11111-00001-23</c></summary>
    public string Formatted => $"{Digits[..8]}-{Digits[8..13]}-{Digits[13..18]}-{Digits[18..]}";

    /// <summary><c>1990****-*****-***01-23</c>: the year and the last four digits.</summary>
    public string Masked => $"{Digits[..4]}****-*****-***{Digits[16..18]}-{Digits[18..]}";

    public override string ToString() => Digits is null ? "" : Masked;

    public static NationalIdNumber Parse(string input, DateOnly today) =>
        TryParse(input, today, out var nin, out var error)
            ? nin
            : throw new FormatException(Describe(error));

    /// <summary>Accepts the digits with dashes, spaces or neither.</summary>
    public static bool TryParse(string? input, DateOnly today, out NationalIdNumber nin, out NinError error)
    {
        nin = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = NinError.Empty;
            return false;
        }

        if (input.Length > LongestInput)
        {
            error = NinError.WrongLength;
            return false;
        }

        Span<char> digits = stackalloc char[LongestInput];
        var count = 0;
        foreach (var c in input.Trim())
        {
            if (char.IsAsciiDigit(c))
            {
                digits[count++] = c;
            }
            else if (c is not ('-' or ' '))
            {
                error = NinError.WrongCharacters;
                return false;
            }
        }

        if (count != Length)
        {
            error = NinError.WrongLength;
            return false;
        }

        var text = new string(digits[..Length]);
        if (!DateOnly.TryParseExact(text[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born) ||
            born.Year < 1900)
        {
            error = NinError.NotADate;
            return false;
        }

        if (born > today)
        {
            error = NinError.FutureDate;
            return false;
        }

        nin = new NationalIdNumber(text);
        error = NinError.None;
        return true;
    }

    /// <summary>What is wrong, in the current language, said so that a person can put it right.</summary>
    public static string Describe(NinError error) => error switch
    {
        NinError.Empty => T("Weka Namba yako ya Utambulisho wa Taifa (NIN).",
            "Enter your National Identification Number (NIN)."),
        NinError.WrongCharacters => T("NIN ina tarakimu pekee; unaweza kutenganisha kwa vistari au nafasi.",
            "A NIN has digits only; dashes or spaces between them are fine."),
        NinError.WrongLength => T("NIN ina tarakimu 20, kwa mfano 19900415-11111-00001-23.",
            "A NIN has 20 digits, for example 19900415-11111-00001-23."),
        NinError.NotADate => T("Tarakimu 8 za kwanza za NIN ni tarehe ya kuzaliwa (mwaka, mwezi, siku), lakini hizi si tarehe halali.",
            "The first 8 digits of a NIN are the date of birth (year, month, day), but these are not a real date."),
        NinError.FutureDate => T("Tarehe ya kuzaliwa ndani ya NIN haiwezi kuwa ya siku zijazo.",
            "The date of birth in a NIN cannot be in the future."),
        _ => "",
    };
}

public enum NinError
{
    None,
    Empty,
    WrongCharacters,
    WrongLength,
    NotADate,
    FutureDate,
}

public static class NationalIdNumberValidation
{
    /// <summary>A FluentValidation rule: the value must be a valid NIN; the message says what is wrong.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> MustBeNationalIdNumber<T>(
        this IRuleBuilder<T, string?> rule, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return rule.Custom((value, context) =>
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            if (!NationalIdNumber.TryParse(value, today, out _, out var error))
            {
                context.AddFailure(NationalIdNumber.Describe(error));
            }
        });
    }
}
