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
    public void A_pattern_is_matched_in_bounded_time()
    {
        var form = FromJson("""{"type": "object", "properties": {"x": {"type": "string", "pattern": "^(a+)+$", "x-title": {"sw": "X", "en": "X"}}}}""");
        var answers = new JsonObject { ["x"] = new string('a', 5_000) + "!" };

        var started = DateTime.UtcNow;
        var errors = form.Validate(answers);

        Assert.Equal("x", Assert.Single(errors).Field);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
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
