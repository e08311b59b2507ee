using System.Text.Json;
using System.Text.Json.Nodes;
using ServicePortal.Catalog.Forms;

namespace ServicePortal.Catalog.Tests.Forms;

public sealed class ApplicationFormParseTests
{
    public static TheoryData<string> SeededCodes() => new(FormFixtures.SeededSchemas.Keys);

    [Fact]
    public void The_catalogue_seeds_the_nine_forms()
    {
        Assert.Equal(
            ["brela-business-name", "brela-company", "brela-licence", "rita-birth", "rita-certificate", "rita-death", "tra-taxpayer", "tra-tin", "tra-vehicle"],
            FormFixtures.SeededSchemas.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SeededCodes))]
    public void Every_seeded_form_parses_with_titles_in_both_languages(string code)
    {
        Assert.True(ApplicationForm.TryParse(FormFixtures.SeededSchemas[code], out var form, out var error), error);
        Assert.NotEmpty(form.Fields);
        Assert.False(string.IsNullOrEmpty(form.Title.Sw));
        Assert.False(string.IsNullOrEmpty(form.Title.En));
        Assert.All(form.Fields, f => Assert.False(string.IsNullOrEmpty(f.Title.Sw) || string.IsNullOrEmpty(f.Title.En)));
    }

    [Theory]
    [MemberData(nameof(SeededCodes))]
    public void Empty_answers_to_a_seeded_form_name_each_required_field_in_the_form_order(string code)
    {
        var form = FormFixtures.Seeded(code);
        var errors = form.Validate(new JsonObject());
        Assert.Equal(form.Fields.Where(f => f.Required).Select(f => f.Name), errors.Select(e => e.Field));
    }

    [Fact]
    public void The_birth_form_keeps_the_schema_order_and_reads_every_keyword_it_uses()
    {
        var form = FormFixtures.Seeded("rita-birth");

        // The child first, then the parents: the order a registrar asks in.
        Assert.Equal(["childName", "sex", "dateOfBirth", "placeOfBirth", "notificationNumber", "motherName", "motherNin", "fatherName"],
            form.Fields.Select(f => f.Name));
        var child = form.Fields[0];
        Assert.Equal((FieldType.String, true, 2, 120), (child.Type, child.Required, child.MinLength, child.MaxLength));
        Assert.Equal(("Jina kamili la mtoto", "Child's full name"), (child.Title.Sw, child.Title.En));
        Assert.True(child.IsSummary);
        var sex = form.Fields[1];
        Assert.Equal(("Jinsia ya mtoto", "Child's sex"), (sex.Title.Sw, sex.Title.En));
        Assert.Equal(["female", "male"], sex.Options.Select(o => o.Value));
        Assert.Equal(["Mwanamke", "Mwanamume"], sex.Options.Select(o => o.Title.Sw));
        Assert.Equal(["Female", "Male"], sex.Options.Select(o => o.Title.En));
        var born = form.Fields[2];
        Assert.True(born.IsDate);
        Assert.True(born.NotInFuture);
        Assert.Equal(("Tarehe ya kuzaliwa ya mtoto", "Child's date of birth"), (born.Title.Sw, born.Title.En));
        Assert.Equal("Hospital or health centre, district and region", form.Fields[3].Description?.En);
        var motherNin = form.Field("motherNin")!;
        Assert.False(motherNin.Required);
        Assert.Equal("^[0-9]{8}-?[0-9]{5}-?[0-9]{5}-?[0-9]{2}$", motherNin.Pattern);
    }

    [Fact]
    public void Numbers_lists_and_long_texts_are_read_from_the_company_and_taxpayer_forms()
    {
        var company = FormFixtures.Seeded("brela-company");
        var capital = company.Field("shareCapitalTzs");
        Assert.Equal((FieldType.Integer, 0m, (decimal?)null), (capital.Type, capital.Minimum, capital.Maximum));
        var directors = company.Field("directors");
        Assert.Equal((FieldType.Array, 1, 20), (directors.Type, directors.MinItems, directors.MaxItems));
        Assert.Equal(FieldType.Object, directors.Items?.Type);
        Assert.Equal(["name", "nin"], directors.Items!.Fields.Select(f => f.Name));
        Assert.All(directors.Items.Fields, f => Assert.True(f.Required));

        var taxpayer = FormFixtures.Seeded("tra-taxpayer");
        Assert.Equal((2000m, 2100m), (taxpayer.Field("year").Minimum!.Value, taxpayer.Field("year").Maximum!.Value));
        Assert.True(taxpayer.Field("details").IsLongText);
        Assert.False(taxpayer.Field("tin").IsLongText);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"object\"")]
    [InlineData("""{"type": "string"}""")]
    [InlineData("""{"type": "object"}""")]
    [InlineData("""{"type": "object", "properties": {}}""")]
    [InlineData("""{"properties": {"a": {"type": "string"}}}""")]
    [InlineData("""{"type": "object", "properties": {"a": {"type": "string", "pattern": "(unclosed"}}}""")]
    public void A_schema_that_is_not_an_object_schema_with_drawable_properties_is_refused(string schema)
    {
        using var document = JsonDocument.Parse(schema);

        Assert.False(ApplicationForm.TryParse(document.RootElement, out var form, out var error));
        Assert.Null(form);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => ApplicationForm.Parse(document.RootElement));
    }

    [Fact]
    public void Two_forms_with_the_same_id_both_parse()
    {
        const string schema = """{"$id": "https://portal.example/forms/same", "type": "object", "properties": {"a": {"type": "string"}}}""";

        Assert.NotNull(FormFixtures.FromJson(schema));
        Assert.NotNull(FormFixtures.FromJson(schema));
    }
}

internal static class FormTestExtensions
{
    public static FormField Field(this ApplicationForm form, string name) => form.Fields.Single(f => f.Name == name);
}
