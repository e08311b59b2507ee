using System.Text.Json.Nodes;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Catalog.Tests.Forms;

/// <summary>Answers come from outside: whatever the schema says, the work done on them is bounded.</summary>
public sealed class HostileAnswersTests
{
    private static readonly ApplicationForm Open = FromJson("""{"type": "object", "properties": {"notes": {"type": "string"}}}""");

    [Fact]
    public void A_text_of_20000_characters_is_refused_even_where_the_schema_sets_no_limit()
    {
        var answers = new JsonObject { ["notes"] = new string('a', 20_000) };

        var error = Assert.Single(In("en", () => Open.Validate(answers)));

        Assert.Equal("notes", error.Field);
        Assert.Equal("“notes” is too long: it must be 10,000 characters or fewer.", error.Message);
        Assert.Empty(Open.Validate(new JsonObject { ["notes"] = new string('a', 10_000) }));
    }

    [Fact]
    public void Answers_with_500_properties_are_refused_on_the_form()
    {
        var answers = new JsonObject();
        for (var i = 0; i < 500; i++)
        {
            answers["p" + i] = i;
        }

        var error = Assert.Single(In("sw", () => Open.Validate(answers)));

        Assert.True(error.IsFormLevel);
        Assert.Equal("Majibu yana sehemu nyingi mno (zaidi ya 200).", error.Message);
    }

    [Fact]
    public void A_list_of_500_entries_counts_towards_the_bound()
    {
        var answers = new JsonObject { ["directors"] = new JsonArray(Enumerable.Range(0, 500).Select(_ => (JsonNode?)new JsonObject()).ToArray()) };

        Assert.True(Assert.Single(Seeded("brela-company").Validate(answers)).IsFormLevel);
    }

    [Fact]
    public void A_long_text_in_a_list_entry_is_refused_on_that_entry()
    {
        var answers = Answers("""{"proposedName": "Kilimo Bora", "companyType": "public", "shareCapitalTzs": 1}""");
        answers["directors"] = new JsonArray(new JsonObject { ["name"] = "Asha", ["nin"] = new string('1', 10_001) });

        Assert.Equal("directors[0].nin", Assert.Single(Seeded("brela-company").Validate(answers)).Field);
    }

    [Fact]
    public void A_catastrophic_pattern_answers_with_a_message_on_its_field()
    {
        var form = FromJson("""{"type": "object", "properties": {"x": {"type": "string", "pattern": "^(a+)+$", "x-title": {"sw": "X", "en": "X"}}}}""");
        var answers = new JsonObject { ["x"] = new string('a', 5_000) + "!" };

        // No clock here (a busy machine is no failure): a backtracking engine would not return at all, or, with a time
        // limit, give up and refuse a right answer, which the next test catches.
        var errors = form.Validate(answers);

        Assert.Equal("x", Assert.Single(errors).Field);
    }

    [Fact]
    public void A_pattern_that_backtracks_catastrophically_is_run_without_backtracking_and_gives_the_right_answer()
    {
        // A backtracking engine tries (a+)+b in 2^n ways before the second branch, gives up at its time limit, and so
        // refused this right answer after spending the whole limit on it (twice: the rules, then the schema).
        var form = FromJson("""{"type": "object", "properties": {"x": {"type": "string", "pattern": "^((a+)+b|a*)$", "x-title": {"sw": "X", "en": "X"}}}}""");

        Assert.Empty(form.Validate(new JsonObject { ["x"] = new string('a', 5_000) }));
        Assert.Equal("x", Assert.Single(form.Validate(new JsonObject { ["x"] = new string('a', 5_000) + "!" })).Field);
    }

    [Fact]
    public void Hostile_answers_in_every_entry_of_a_list_are_each_a_message_on_that_entry_in_the_citizens_language()
    {
        var form = FromJson("""
            {"type": "object", "properties": {"rows": {"type": "array", "maxItems": 50, "x-title": {"sw": "Safu", "en": "Rows"}, "items": {
              "type": "object", "properties": {"code": {"type": "string", "pattern": "^(a+)+$", "x-title": {"sw": "Msimbo", "en": "Code"}}}}}}}
            """);
        var answers = new JsonObject
        {
            ["rows"] = new JsonArray(Enumerable.Range(0, 50).Select(_ => (JsonNode?)new JsonObject { ["code"] = new string('a', 3_000) + "!" }).ToArray()),
        };

        var errors = In("sw", () => form.Validate(answers));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"rows[{i}].code"), errors.Select(e => e.Field));
        Assert.Equal("«Msimbo (Safu 1)» haijaandikwa kwa muundo unaotakiwa. Iangalie tena.", errors[0].Message);
        Assert.Contains("«Msimbo (Safu 50)»", errors[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_digit_or_word_character_in_a_pattern_means_what_JSON_Schema_says()
    {
        // ECMA-262, not .NET: \d is 0-9 and \w is [A-Za-z0-9_], not every script's digits and letters.
        var form = FromJson("""{"type": "object", "properties": {"n": {"type": "string", "pattern": "^\\d{3}-\\w+$"}}}""");

        Assert.Empty(form.Validate(new JsonObject { ["n"] = "123-Abc_9" }));
        Assert.Single(form.Validate(new JsonObject { ["n"] = "\u0661\u0662\u0663-Abc" }));
        Assert.Single(form.Validate(new JsonObject { ["n"] = "123-\u00e9t\u00e9" }));
    }

    [Theory]
    [InlineData("nin", "19900415-11111-00001-23", true)]
    [InlineData("nin", "19900415111110000123", true)]
    [InlineData("nin", "19901345-11111-00001-23", false)]
    [InlineData("nin", "1990041511111", false)]
    [InlineData("phone-tz", "0712 345 678", true)]
    [InlineData("phone-tz", "+255712345678", true)]
    [InlineData("phone-tz", "0812 345 678", false)]
    [InlineData("date", "2024-02-30", false)]
    [InlineData("email", "asha@example.go.tz", true)]
    public void A_named_format_is_checked_by_the_portal(string format, string answer, bool accepted)
    {
        var form = FromJson("{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\", \"format\": \"" + format + "\"}}}");

        Assert.Equal(accepted, form.Validate(new JsonObject { ["x"] = answer }).Count == 0);
    }

    [Fact]
    public void A_wrong_national_id_or_phone_number_is_said_in_both_languages()
    {
        var form = FromJson("""
            {"type": "object", "properties": {
              "nin": {"type": "string", "format": "nin", "x-title": {"sw": "NIN ya mama", "en": "Mother's NIN"}},
              "phone": {"type": "string", "format": "phone-tz", "x-title": {"sw": "Simu", "en": "Phone"}}}}
            """);
        var answers = new JsonObject { ["nin"] = "12345", ["phone"] = "12345" };

        var sw = In("sw", () => form.Validate(answers));
        var en = In("en", () => form.Validate(answers));

        Assert.Equal("«NIN ya mama» si namba sahihi ya NIDA. Andika tarakimu 20, mfano 19900415-11111-00001-23.", sw.MessageFor("nin"));
        Assert.Equal("“Phone” is not a valid Tanzanian mobile number. Write it like 0712 345 678.", en.MessageFor("phone"));
    }

    [Fact]
    public void A_script_tag_in_an_answer_is_only_text_to_the_validation()
    {
        var form = Seeded("rita-certificate");
        var answers = Answers("""{"certificateNumber": "<script>alert(1)</script>", "purpose": "<script>alert(1)</script>"}""");

        var errors = form.Validate(answers);

        Assert.Equal("certificateNumber", Assert.Single(errors).Field);
        Assert.DoesNotContain("<script>", errors[0].Message, StringComparison.Ordinal);
    }
}
