using System.Text.Json.Nodes;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Catalog.Tests.Forms;

public sealed class ReadAnswersTests
{
    private const string Schema = """
        {
          "type": "object",
          "properties": {
            "name": {"type": "string"},
            "notes": {"type": "string", "maxLength": 500},
            "children": {"type": "integer"},
            "income": {"type": "number"},
            "married": {"type": "boolean"},
            "agreed": {"type": "boolean"},
            "size": {"type": "integer", "enum": [1, 2, 3]},
            "owners": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "share": {"type": "number"}}}},
            "tags": {"type": "array", "items": {"type": "string"}}
          }
        }
        """;

    private static readonly ApplicationForm Form = FromJson(Schema);

    [Fact]
    public void Text_is_trimmed_and_an_empty_answer_is_left_out()
    {
        var answers = Form.ReadAnswers(Posted(("answers.name", "  Asha Juma  "), ("answers.notes", "   ")));

        Assert.Equal("""{"name":"Asha Juma"}""", answers.ToJsonString());
    }

    [Fact]
    public void Whole_numbers_decimals_and_yes_no_are_converted_to_their_json_types()
    {
        var answers = Form.ReadAnswers(Posted(
            ("answers.children", " 3 "), ("answers.income", "1,500,000.50"), ("answers.married", "false"), ("answers.married", "true"),
            ("answers.agreed", "false"), ("answers.size", "2")));

        Assert.Equal(3, answers["children"]!.GetValue<long>());
        Assert.Equal(1_500_000.50m, answers["income"]!.GetValue<decimal>());
        Assert.True(answers["married"]!.GetValue<bool>());
        Assert.False(answers["agreed"]!.GetValue<bool>());
        Assert.Equal(2, answers["size"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("three")]
    [InlineData("2.5")]
    [InlineData("1e3")]
    [InlineData("٣")]
    public void A_number_written_in_words_or_not_whole_stays_text_for_the_validation_to_explain(string posted)
    {
        var answers = Form.ReadAnswers(Posted(("answers.children", posted)));

        Assert.Equal(System.Text.Json.JsonValueKind.String, answers["children"]!.GetValueKind());
        Assert.Contains("whole number", In("en", () => Form.Validate(answers)).MessageFor("children"), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_form_does_not_draw_are_ignored()
    {
        var answers = Form.ReadAnswers(Posted(
            ("name", "not prefixed"), ("answers.role", "admin"), ("answers.name.x", "nested"), ("__RequestVerificationToken", "t"),
            ("answers.owners[99999].name", "far away"), ("answers.owners[x].name", "no index")));

        Assert.Empty(answers);
    }

    [Fact]
    public void List_entries_are_read_in_order_and_empty_entries_dropped()
    {
        var answers = Form.ReadAnswers(Posted(
            ("answers.owners[2].name", "Baraka"), ("answers.owners[2].share", "40"),
            ("answers.owners[0].name", "Asha"), ("answers.owners[0].share", "60"),
            ("answers.owners[1].name", " "), ("answers.owners[1].share", ""),
            ("answers.tags[0]", "duka"), ("answers.tags[1]", "")));

        Assert.Equal("""{"owners":[{"name":"Asha","share":60},{"name":"Baraka","share":40}],"tags":["duka"]}""", answers.ToJsonString());
    }

    [Fact]
    public void Line_breaks_from_a_textarea_become_one_character()
    {
        var answers = Form.ReadAnswers(Posted(("answers.notes", "line one\r\nline two")));

        Assert.Equal("line one\nline two", answers["notes"]!.GetValue<string>());
    }

    [Fact]
    public void Posted_answers_to_the_birth_form_validate_once_read()
    {
        var form = Seeded("rita-birth");
        var answers = form.ReadAnswers(Posted(
            ("answers.childName", "Neema Juma"), ("answers.dateOfBirth", "2024-03-15"), ("answers.placeOfBirth", "Hospitali ya Mwananyamala"),
            ("answers.sex", "female"), ("answers.motherName", "Amina Juma"), ("answers.motherNin", "19900415-11111-00001-23"),
            ("answers.fatherName", "")));

        Assert.Empty(form.Validate(answers));
        Assert.False(answers.ContainsKey("fatherName"));
    }

    [Fact]
    public void Reading_a_json_object_straight_from_the_api_needs_no_conversion()
    {
        var answers = JsonNode.Parse("""{"shareCapitalTzs": 1000000, "proposedName": "Kilimo Bora Ltd", "companyType": "guarantee", "directors": [{"name": "Asha", "nin": "19900415-11111-00001-23"}]}""")!.AsObject();

        Assert.Empty(Seeded("brela-company").Validate(answers));
    }
}
