using System.Text.Json.Nodes;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Catalog.Tests.Forms;

/// <summary>The JSON Schema evaluation after the generated rules: what they do not know is still enforced.</summary>
public sealed class SchemaGuardTests
{
    private static readonly ApplicationForm Form = FromJson("""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "country": {"type": "string", "const": "TZ", "x-title": {"sw": "Nchi", "en": "Country"}},
            "bags": {"type": "integer", "multipleOf": 5, "x-title": {"sw": "Mifuko", "en": "Bags"}},
            "phone": {"type": "string", "x-title": {"sw": "Simu", "en": "Phone"}},
            "email": {"type": "string", "x-title": {"sw": "Barua pepe", "en": "Email"}}
          },
          "anyOf": [{"required": ["phone"]}, {"required": ["email"]}]
        }
        """);

    [Fact]
    public void A_const_the_rules_do_not_know_is_refused_on_its_field_in_plain_words()
    {
        var errors = Form.Validate(Answers("""{"country": "KE", "phone": "0712345678"}"""));

        Assert.Equal("country", Assert.Single(errors).Field);
        Assert.Equal("The answer to “Country” is not accepted. Please check it.", In("en", () => Form.Validate(Answers("""{"country": "KE", "phone": "0712345678"}""")))[0].Message);
        Assert.Equal("Jibu la «Nchi» halikubaliki. Liangalie tena.", In("sw", () => Form.Validate(Answers("""{"country": "KE", "phone": "0712345678"}""")))[0].Message);
    }

    [Fact]
    public void A_multiple_of_the_rules_do_not_know_is_refused_on_its_field()
    {
        Assert.Equal("bags", Assert.Single(Form.Validate(Answers("""{"bags": 12, "phone": "0712345678"}"""))).Field);
        Assert.Empty(Form.Validate(Answers("""{"bags": 15, "phone": "0712345678"}""")));
    }

    [Fact]
    public void A_rule_on_the_answers_as_a_whole_is_refused_on_the_form()
    {
        var error = Assert.Single(In("sw", () => Form.Validate(Answers("""{"country": "TZ"}"""))));

        Assert.True(error.IsFormLevel);
        Assert.Equal("Majibu hayatimizi masharti ya fomu hii. Yaangalie tena.", error.Message);
    }

    [Fact]
    public void What_the_rules_already_reported_is_not_reported_twice()
    {
        var form = Seeded("rita-birth");

        var errors = form.Validate(Answers("""{"childName": "A", "dateOfBirth": "2024-13-01", "sex": "x", "motherNin": "123"}"""));

        Assert.Equal(["childName", "sex", "dateOfBirth", "placeOfBirth", "motherName", "motherNin"], errors.Select(e => e.Field));
        Assert.DoesNotContain(errors, e => e.Message.Contains("halikubaliki", StringComparison.Ordinal));
    }

    [Fact]
    public void A_closed_form_refuses_names_it_does_not_define()
    {
        var form = FromJson("""
            {"type": "object", "additionalProperties": false,
             "properties": {"name": {"type": "string"},
                            "owners": {"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": {"nin": {"type": "string"}}}}}}
            """);

        var errors = In("en", () => form.Validate(Answers("""{"name": "Asha", "isAdmin": true, "owners": [{"nin": "1", "role": "x"}]}""")));

        Assert.Equal(["This form has no field “isAdmin”.", "This form has no field “owners[0].role”."], errors.Select(e => e.Message));
        Assert.All(errors, e => Assert.True(e.IsFormLevel));
    }

    [Fact]
    public void An_open_form_lets_names_it_does_not_define_through()
    {
        Assert.Empty(Seeded("tra-taxpayer").Validate(Answers("""{"tin": "123-456-789", "extra": "x"}""")));
    }

    [Fact]
    public void A_pattern_the_rules_cannot_see_is_matched_by_the_guard_with_its_time_limit()
    {
        var form = FromJson("""
            {"type": "object", "properties": {"phone": {"type": "string", "x-title": {"sw": "Simu", "en": "Phone"}}},
             "allOf": [{"properties": {"phone": {"pattern": "^0[67][0-9]{8}$"}}}]}
            """);

        Assert.Empty(form.Validate(Answers("""{"phone": "0712345678"}""")));
        Assert.Equal("phone", Assert.Single(form.Validate(Answers("""{"phone": "712"}"""))).Field);
    }
}
