using ServicePortal.Catalog.Forms;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Catalog.Tests.Forms;

/// <summary>Every generated rule gives one message, naming the field by its title, in the person's language.</summary>
public sealed class ValidationMessageTests
{
    private const string Schema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["fullName", "agreed", "colour"],
          "properties": {
            "fullName": {"type": "string", "minLength": 2, "maxLength": 10, "x-title": {"sw": "Jina kamili", "en": "Full name"}},
            "email": {"type": "string", "format": "email", "x-title": {"sw": "Barua pepe", "en": "Email"}},
            "born": {"type": "string", "format": "date", "x-title": {"sw": "Tarehe ya kuzaliwa", "en": "Date of birth"}},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$", "x-title": {"sw": "Msimbo", "en": "Code"}},
            "colour": {"type": "string", "enum": ["red", "blue"], "x-title": {"sw": "Rangi", "en": "Colour"},
                       "x-enum-titles": [{"sw": "Nyekundu", "en": "Red"}, {"sw": "Bluu", "en": "Blue"}]},
            "year": {"type": "integer", "minimum": 2000, "maximum": 2100, "x-title": {"sw": "Mwaka", "en": "Year"}},
            "capital": {"type": "integer", "minimum": 0, "x-title": {"sw": "Mtaji", "en": "Capital"}},
            "share": {"type": "number", "maximum": 100, "x-title": {"sw": "Hisa", "en": "Share"}},
            "agreed": {"type": "boolean", "x-title": {"sw": "Nakubali", "en": "I agree"}},
            "owners": {"type": "array", "minItems": 1, "maxItems": 2, "x-title": {"sw": "Wamiliki", "en": "Owners"},
                       "items": {"type": "object", "required": ["name"],
                                 "properties": {"name": {"type": "string", "x-title": {"sw": "Jina", "en": "Name"}}}}}
          }
        }
        """;

    private static readonly ApplicationForm Form = FromJson(Schema);

    private const string Good = """{"fullName": "Asha", "agreed": true, "colour": "red"}""";

    [Theory]
    [InlineData("fullName", """{"fullName": 42, "agreed": true, "colour": "red"}""", "«Jina kamili» iwe maandishi.", "“Full name” must be text.")]
    [InlineData("fullName", """{"fullName": "A", "agreed": true, "colour": "red"}""",
        "«Jina kamili» iwe na herufi 2 au zaidi.", "“Full name” must be 2 characters or more.")]
    [InlineData("fullName", """{"fullName": "Asha Juma Mrisho", "agreed": true, "colour": "red"}""",
        "«Jina kamili» isizidi herufi 10.", "“Full name” must be 10 characters or fewer.")]
    [InlineData("email", """{"email": "asha.example.com"}""",
        "«Barua pepe» si anwani sahihi ya barua pepe. Andika kama jina@mfano.go.tz.",
        "“Email” is not a valid email address. Write it like name@example.go.tz.")]
    [InlineData("born", """{"born": "2023-02-29"}""",
        "«Tarehe ya kuzaliwa» iwe tarehe halisi: siku, mwezi na mwaka, mfano 15 3 2024.",
        "“Date of birth” must be a real date: day, month and year, for example 15 3 2024.")]
    [InlineData("born", """{"born": "15/03/2024"}""",
        "«Tarehe ya kuzaliwa» iwe tarehe halisi: siku, mwezi na mwaka, mfano 15 3 2024.",
        "“Date of birth” must be a real date: day, month and year, for example 15 3 2024.")]
    [InlineData("born", """{"born": "2024--15"}""", "«Tarehe ya kuzaliwa» iwe na mwezi.", "“Date of birth” must include a month.")]
    [InlineData("born", """{"born": "--15"}""", "«Tarehe ya kuzaliwa» iwe na mwezi na mwaka.", "“Date of birth” must include a month and a year.")]
    [InlineData("born", """{"born": "24-3-15"}""",
        "Andika mwaka wa «Tarehe ya kuzaliwa» kwa tarakimu 4, mfano 2024.", "Write the year of “Date of birth” in 4 digits, for example 2024.")]
    [InlineData("born", """{"born": "2024-13-1"}""",
        "«Tarehe ya kuzaliwa» iwe tarehe halisi: siku, mwezi na mwaka, mfano 15 3 2024.",
        "“Date of birth” must be a real date: day, month and year, for example 15 3 2024.")]
    [InlineData("code", """{"code": "abc"}""",
        "«Msimbo» haijaandikwa kwa muundo unaotakiwa. Iangalie tena.", "“Code” is not written in the expected format. Please check it.")]
    [InlineData("colour", """{"colour": "green"}""",
        "Chagua mojawapo ya majibu yaliyoorodheshwa kwa «Rangi».", "Choose one of the answers listed for “Colour”.")]
    [InlineData("year", """{"year": 1999}""", "«Mwaka» iwe kati ya 2000 na 2100.", "“Year” must be between 2000 and 2100.")]
    [InlineData("year", """{"year": "elfu mbili"}""",
        "«Mwaka» iwe namba kamili, kwa tarakimu tu, mfano 2024.", "“Year” must be a whole number, in digits only, for example 2024.")]
    [InlineData("year", """{"year": 2024.5}""",
        "«Mwaka» iwe namba kamili, kwa tarakimu tu, mfano 2024.", "“Year” must be a whole number, in digits only, for example 2024.")]
    [InlineData("capital", """{"capital": -1}""", "«Mtaji» isiwe chini ya 0.", "“Capital” must be 0 or more.")]
    [InlineData("share", """{"share": 100.5}""", "«Hisa» isizidi 100.", "“Share” must be 100 or less.")]
    [InlineData("share", """{"share": "nusu"}""", "«Hisa» iwe namba, mfano 1500 au 12.5.", "“Share” must be a number, for example 1500 or 12.5.")]
    [InlineData("agreed", """{"agreed": "labda"}""", "«Nakubali» iwe Ndiyo au Hapana.", "“I agree” must be Yes or No.")]
    [InlineData("owners", """{"owners": []}""", "Ongeza angalau 1 katika «Wamiliki».", "Add at least 1 to “Owners”.")]
    [InlineData("owners", """{"owners": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}""", "«Wamiliki» isizidi 2.", "“Owners” can have at most 2.")]
    [InlineData("owners", """{"owners": "Asha"}""", "«Wamiliki» iwe orodha.", "“Owners” must be a list.")]
    [InlineData("owners[1].name", """{"owners": [{"name": "Asha"}, {}]}""", "Jaza «Jina (Wamiliki 2)».", "Fill in “Name (Owners 2)”.")]
    public void A_broken_rule_gives_its_message_in_kiswahili_and_in_english(string field, string answers, string sw, string en)
    {
        var given = MergeWithGood(answers);

        Assert.Equal(sw, In("sw", () => Form.Validate(given)).MessageFor(field));
        Assert.Equal(en, In("en", () => Form.Validate(given)).MessageFor(field));
    }

    [Theory]
    [InlineData("fullName", """{"agreed": true, "colour": "red"}""", "Jaza «Jina kamili».", "Fill in “Full name”.")]
    [InlineData("colour", """{"fullName": "Asha", "agreed": true}""", "Chagua «Rangi».", "Choose “Colour”.")]
    [InlineData("agreed", """{"fullName": "Asha", "colour": "red"}""", "Chagua «Nakubali».", "Choose “I agree”.")]
    [InlineData("fullName", """{"fullName": null, "agreed": true, "colour": "red"}""", "Jaza «Jina kamili».", "Fill in “Full name”.")]
    public void A_missing_required_answer_is_asked_for_in_kiswahili_and_in_english(string field, string answers, string sw, string en)
    {
        Assert.Equal(sw, In("sw", () => Form.Validate(Answers(answers))).MessageFor(field));
        Assert.Equal(en, In("en", () => Form.Validate(Answers(answers))).MessageFor(field));
    }

    [Fact]
    public void A_field_gets_one_message_the_first_rule_it_breaks()
    {
        var errors = In("en", () => Form.Validate(Answers("""{"fullName": 7, "agreed": true, "colour": "red"}""")));

        Assert.Equal(["fullName"], errors.Select(e => e.Field));
        Assert.Equal("“Full name” must be text.", errors[0].Message);
    }

    [Fact]
    public void Messages_follow_the_form_order_whatever_the_answers_order()
    {
        var errors = Form.Validate(Answers("""{"owners": [], "year": 1, "born": "x"}"""));

        Assert.Equal(["fullName", "born", "colour", "year", "agreed", "owners"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("2024-02-29")]
    [InlineData("1900-01-01")]
    public void A_real_date_written_year_month_day_is_accepted_without_guessing_what_it_means(string date)
    {
        Assert.Empty(Form.Validate(MergeWithGood($$"""{"born": "{{date}}"}""")));
    }

    [Fact]
    public void Good_answers_give_no_message()
    {
        Assert.Empty(Form.Validate(Answers("""
            {"fullName": "Asha", "email": "asha@mfano.go.tz", "born": "2024-03-15", "code": "ABC", "colour": "blue",
             "year": 2024, "capital": 0, "share": 12.5, "agreed": false, "owners": [{"name": "Asha"}]}
            """)));
    }

    [Fact]
    public void A_form_without_titles_names_its_fields_by_their_property_names()
    {
        var form = FromJson("""{"type": "object", "required": ["tin"], "properties": {"tin": {"type": "string"}}}""");

        Assert.Equal("Fill in “tin”.", In("en", () => form.Validate(new())).MessageFor("tin"));
    }

    /// <summary>The good answers to the required fields, with <paramref name="answers"/> over them.</summary>
    private static System.Text.Json.Nodes.JsonObject MergeWithGood(string answers)
    {
        var merged = Answers(Good);
        foreach (var (name, value) in Answers(answers).ToArray())
        {
            merged[name] = value?.DeepClone();
        }

        return merged;
    }
}
