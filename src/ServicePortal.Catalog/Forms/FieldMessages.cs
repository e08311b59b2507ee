using System.Globalization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// Every message the engine gives, Kiswahili and English side by side. <c>{FieldLabel}</c> is filled in when the
/// message is given (FluentValidation's placeholder), with the field's title in the person's language and, for a
/// field inside a list, which entry: «Jina (Wakurugenzi 2)».
/// </summary>
internal static class FieldMessages
{
    public const string LabelPlaceholder = "FieldLabel";

    public static string FillIn() => T("Jaza «{FieldLabel}».", "Fill in “{FieldLabel}”.");

    public static string Choose() => T("Chagua «{FieldLabel}».", "Choose “{FieldLabel}”.");

    public static string AddOne() => T("Ongeza angalau kimoja katika «{FieldLabel}».", "Add at least one entry to “{FieldLabel}”.");

    public static string NotText() => T("«{FieldLabel}» iwe maandishi.", "“{FieldLabel}” must be text.");

    public static string NotWholeNumber() =>
        T("«{FieldLabel}» iwe namba kamili, kwa tarakimu tu, mfano 2024.", "“{FieldLabel}” must be a whole number, in digits only, for example 2024.");

    public static string NotNumber() =>
        T("«{FieldLabel}» iwe namba, mfano 1500 au 12.5.", "“{FieldLabel}” must be a number, for example 1500 or 12.5.");

    public static string NotYesNo() => T("«{FieldLabel}» iwe Ndiyo au Hapana.", "“{FieldLabel}” must be Yes or No.");

    public static string NotGroup() => T("«{FieldLabel}» haijajazwa ipasavyo.", "“{FieldLabel}” is not filled in as expected.");

    public static string NotList() => T("«{FieldLabel}» iwe orodha.", "“{FieldLabel}” must be a list.");

    public static string NotAnOption() =>
        T("Chagua mojawapo ya majibu yaliyoorodheshwa kwa «{FieldLabel}».", "Choose one of the answers listed for “{FieldLabel}”.");

    public static string NotADate() =>
        T("«{FieldLabel}» iwe tarehe halisi: siku, mwezi na mwaka, mfano 15 3 2024.",
          "“{FieldLabel}” must be a real date: day, month and year, for example 15 3 2024.");

    /// <summary>Some of a date's boxes are empty: says which (GOV.UK: “Date of birth must include a month”).</summary>
    public static string DateMissing(IReadOnlyList<string> missing)
    {
        var sw = missing.Select(p => p switch { DateAnswer.Day => "siku", DateAnswer.Month => "mwezi", _ => "mwaka" }).ToArray();
        var en = missing.Select(p => p switch { DateAnswer.Day => "a day", DateAnswer.Month => "a month", _ => "a year" }).ToArray();
        return T($"«{{FieldLabel}}» iwe na {Join(sw, "na")}.", $"“{{FieldLabel}}” must include {Join(en, "and")}.");
    }

    public static string DateYear() =>
        T("Andika mwaka wa «{FieldLabel}» kwa tarakimu 4, mfano 2024.", "Write the year of “{FieldLabel}” in 4 digits, for example 2024.");

    public static string NotInFuture() =>
        T("«{FieldLabel}» iwe leo au tarehe iliyopita.", "“{FieldLabel}” must be today or in the past.");

    public static string NotAnEmail() =>
        T("«{FieldLabel}» si anwani sahihi ya barua pepe. Andika kama jina@mfano.go.tz.",
          "“{FieldLabel}” is not a valid email address. Write it like name@example.go.tz.");

    public static string NotANin() =>
        T("«{FieldLabel}» si namba sahihi ya NIDA. Andika tarakimu 20, mfano 19900415-11111-00001-23.",
          "“{FieldLabel}” is not a valid national ID number (NIN). Write its 20 digits, for example 19900415-11111-00001-23.");

    public static string NotAPhone() =>
        T("«{FieldLabel}» si namba sahihi ya simu ya mkononi ya Tanzania. Andika kama 0712 345 678.",
          "“{FieldLabel}” is not a valid Tanzanian mobile number. Write it like 0712 345 678.");

    public static string TooShort(int min) => min == 1
        ? FillIn()
        : T($"«{{FieldLabel}}» iwe na herufi {N(min)} au zaidi.", $"“{{FieldLabel}}” must be {N(min)} characters or more.");

    public static string TooLong(int max) =>
        T($"«{{FieldLabel}}» isizidi herufi {N(max)}.", $"“{{FieldLabel}}” must be {N(max)} characters or fewer.");

    public static string NotInPattern() =>
        T("«{FieldLabel}» haijaandikwa kwa muundo unaotakiwa. Iangalie tena.", "“{FieldLabel}” is not written in the expected format. Please check it.");

    public static string OutOfRange(decimal? min, decimal? max) => (min, max) switch
    {
        ({ } lo, { } hi) => T($"«{{FieldLabel}}» iwe kati ya {N(lo)} na {N(hi)}.", $"“{{FieldLabel}}” must be between {N(lo)} and {N(hi)}."),
        ({ } lo, null) => T($"«{{FieldLabel}}» isiwe chini ya {N(lo)}.", $"“{{FieldLabel}}” must be {N(lo)} or more."),
        (null, { } hi) => T($"«{{FieldLabel}}» isizidi {N(hi)}.", $"“{{FieldLabel}}” must be {N(hi)} or less."),
        _ => NotNumber(),
    };

    public static string TooFewItems(int min) =>
        T($"Ongeza angalau {N(min)} katika «{{FieldLabel}}».", $"Add at least {N(min)} to “{{FieldLabel}}”.");

    public static string TooManyItems(int max) =>
        T($"«{{FieldLabel}}» isizidi {N(max)}.", $"“{{FieldLabel}}” can have at most {N(max)}.");

    // The messages below are given whole, not through FluentValidation: the label is already in them.
    public static string NotAccepted(string label) =>
        T($"Jibu la «{label}» halikubaliki. Liangalie tena.", $"The answer to “{label}” is not accepted. Please check it.");

    public static string AnswersNotAccepted() =>
        T("Majibu hayatimizi masharti ya fomu hii. Yaangalie tena.", "The answers do not meet this form's rules. Please check them.");

    public static string UnknownField(string name) =>
        T($"Fomu hii haina sehemu «{name}».", $"This form has no field “{name}”.");

    public static string TooManyAnswers(int max) =>
        T($"Majibu yana sehemu nyingi mno (zaidi ya {N(max)}).", $"The answers have too many parts (more than {N(max)}).");

    public static string WayTooLong(string label, int max) =>
        T($"«{label}» ni ndefu mno: isizidi herufi {N(max)}.", $"“{label}” is too long: it must be {N(max)} characters or fewer.");

    /// <summary>«siku, mwezi na mwaka», “a day and a year”.</summary>
    private static string Join(IReadOnlyList<string> words, string and) =>
        words.Count <= 1 ? string.Concat(words) : string.Join(", ", words.Take(words.Count - 1)) + " " + and + " " + words[^1];

    /// <summary>A number as both languages write it: 2000, 10,000, 12.5.</summary>
    private static string N(decimal value) =>
        value.ToString(Math.Abs(value) >= 10_000 ? "#,0.##########" : "0.##########", CultureInfo.InvariantCulture);
}
