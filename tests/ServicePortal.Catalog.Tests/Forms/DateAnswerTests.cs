using System.Text.Json;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Catalog.Tests.Forms;

/// <summary>
/// Dates as three boxes (day, month, year), checked (a birth not in the future), shown in words; and the answer that
/// tells an application apart in the citizen's list (issue 11).
/// </summary>
public sealed class DateAnswerTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    [Theory]
    [InlineData("5", "1", "2027", "2027-01-05")]
    [InlineData("05", "01", "2027", "2027-01-05")]
    [InlineData(" 29 ", "2", "2024", "2024-02-29")]
    [InlineData("31", "12", "1999", "1999-12-31")]
    public void Three_boxes_that_make_a_real_date_are_one_answer_written_year_month_day(string day, string month, string year, string expected)
    {
        var answers = Seeded("rita-birth").ReadAnswers(Posted(
            ("answers.dateOfBirth.day", day), ("answers.dateOfBirth.month", month), ("answers.dateOfBirth.year", year)));

        Assert.Equal(expected, answers["dateOfBirth"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "", "", null)]
    [InlineData("15", "", "2024", "2024--15")]
    [InlineData("30", "2", "2024", "2024-2-30")]
    [InlineData("15", "3", "24", "24-3-15")]
    [InlineData("1-5", "3", "2024", "2024-3-1 5")]
    public void Boxes_that_are_not_a_date_are_kept_as_typed_so_the_page_shows_them_back(string day, string month, string year, string? kept)
    {
        var answers = Seeded("rita-birth").ReadAnswers(Posted(
            ("answers.dateOfBirth.day", day), ("answers.dateOfBirth.month", month), ("answers.dateOfBirth.year", year)));

        Assert.Equal(kept, answers["dateOfBirth"]?.GetValue<string>());
        if (kept is not null)
        {
            Assert.Equal((day.Replace('-', ' '), month, year), DateAnswer.Boxes(kept));
            Assert.Null(DateAnswer.Parse(kept));
        }
    }

    [Fact]
    public void A_date_is_shown_back_in_its_boxes_without_leading_zeros()
    {
        Assert.Equal(("5", "1", "2027"), DateAnswer.Boxes("2027-01-05"));
        Assert.Equal(("", "", ""), DateAnswer.Boxes(null));
    }

    [Fact]
    public void A_form_posted_by_an_older_page_with_one_date_input_is_still_read()
    {
        var answers = Seeded("rita-birth").ReadAnswers(Posted(("answers.dateOfBirth", "2024-03-15")));

        Assert.Equal("2024-03-15", answers["dateOfBirth"]!.GetValue<string>());
    }

    [Fact]
    public void A_list_of_dates_is_read_box_by_box()
    {
        var form = FromJson("""
            {"type": "object", "properties": {"visits": {"type": "array", "items": {"type": "string", "format": "date"}, "x-title": {"sw": "Ziara", "en": "Visits"}}}}
            """);

        var answers = form.ReadAnswers(Posted(
            ("answers.visits[0].day", "1"), ("answers.visits[0].month", "2"), ("answers.visits[0].year", "2025"),
            ("answers.visits[1].day", ""), ("answers.visits[1].month", ""), ("answers.visits[1].year", "")));

        Assert.Equal("""{"visits":["2025-02-01"]}""", answers.ToJsonString());
    }

    [Fact]
    public void A_birth_date_may_be_today_but_not_tomorrow_in_east_africa_time()
    {
        var form = Seeded("rita-birth");
        var today = Birth("2026-12-07");
        var tomorrow = Birth("2026-12-08");

        Assert.Empty(form.Validate(today, Today));
        Assert.Equal("«Tarehe ya kuzaliwa ya mtoto» iwe leo au tarehe iliyopita.", In("sw", () => form.Validate(tomorrow, Today)).MessageFor("dateOfBirth"));
        Assert.Equal("“Child's date of birth” must be today or in the past.", In("en", () => form.Validate(tomorrow, Today)).MessageFor("dateOfBirth"));
        // 21:30 UTC on 7 December is already 00:30 on the 8th in Dar es Salaam.
        var lateEvening = new FixedClock(new DateTimeOffset(2026, 12, 7, 21, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 12, 8), DateAnswer.Today(lateEvening));
    }

    [Fact]
    public void A_date_not_marked_so_may_be_in_the_future()
    {
        var form = Seeded("brela-business-name");
        var answers = Answers("""{"proposedName": "Kilimo Bora", "natureOfBusiness": "Kilimo", "region": "Arusha", "district": "Arumeru", "startDate": "2099-01-01"}""");

        Assert.Empty(form.Validate(answers, Today));
    }

    [Fact]
    public void The_three_boxes_left_half_empty_say_what_is_missing()
    {
        var form = Seeded("rita-birth");
        var answers = form.ReadAnswers(Posted(
            ("answers.childName", "Neema"), ("answers.dateOfBirth.day", "15"), ("answers.dateOfBirth.month", ""), ("answers.dateOfBirth.year", "")));

        Assert.Equal("«Tarehe ya kuzaliwa ya mtoto» iwe na mwezi na mwaka.", In("sw", () => form.Validate(answers, Today)).MessageFor("dateOfBirth"));
        Assert.Equal("“Child's date of birth” must include a month and a year.", In("en", () => form.Validate(answers, Today)).MessageFor("dateOfBirth"));
    }

    [Fact]
    public void A_date_is_shown_in_words_in_each_language()
    {
        var born = Seeded("rita-birth").Field("dateOfBirth")!;
        var value = System.Text.Json.Nodes.JsonValue.Create("2027-01-05");

        Assert.Equal("5 Januari 2027", In("sw", () => ApplicationAnswersView.Display(born, value)));
        Assert.Equal("5 January 2027", In("en", () => ApplicationAnswersView.Display(born, value)));
        Assert.Equal("12 Desemba 2026", In("sw", () => DateAnswer.Long(new DateOnly(2026, 12, 12))));
        // Something that is not a date is shown as it is, never hidden.
        Assert.Equal("2024-2-30", In("sw", () => ApplicationAnswersView.Display(born, System.Text.Json.Nodes.JsonValue.Create("2024-2-30"))));
    }

    [Fact]
    public void An_application_is_told_apart_by_the_answer_its_form_marks_else_its_first_text()
    {
        var birth = Seeded("rita-birth");
        var licence = Seeded("brela-licence");

        Assert.Equal("Neema Baraka Mollel", birth.SummaryOf(Answers("""{"placeOfBirth": "Arusha", "childName": "  Neema   Baraka Mollel "}""")));
        Assert.Equal("Arusha", birth.SummaryOf(Answers("""{"placeOfBirth": "Arusha", "sex": "female"}""")));
        Assert.Null(birth.SummaryOf(Answers("""{"sex": "female", "dateOfBirth": "2024-01-01"}""")));
        Assert.Equal("BRELA/123", licence.SummaryOf(Answers("""{"registrationNumber": "BRELA/123", "activity": "Duka"}""")));
        Assert.Equal(new string('x', 79) + "…", birth.SummaryOf(Answers($$"""{"childName": "{{new string('x', 120)}}"}""")));
    }

    [Theory]
    [InlineData("""{"type": "object", "properties": {"name": {"type": "string", "x-not-future": true}}}""", "x-not-future")]
    [InlineData("""{"type": "object", "properties": {"born": {"type": "string", "format": "date", "x-not-future": "yes"}}}""", "x-not-future")]
    [InlineData("""{"type": "object", "properties": {"count": {"type": "integer", "x-summary": true}}}""", "x-summary")]
    public void The_portals_own_keywords_are_checked_like_the_others(string schema, string keyword)
    {
        using var document = JsonDocument.Parse(schema);

        var problem = ApplicationForm.Check(document.RootElement);

        Assert.NotNull(problem);
        Assert.Contains(keyword, problem.En, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_counts_as_three_inputs_drawn()
    {
        var dates = string.Join(", ", Enumerable.Range(0, 30).Select(i => $$$"""
            "d{{{i}}}": {"type": "array", "minItems": 6, "maxItems": 6, "items": {"type": "string", "format": "date"}}
            """));
        using var document = JsonDocument.Parse($$$"""{"type": "object", "properties": { {{{dates}}} }}""");

        // 30 lists of 6 dates: 180 dates, 540 boxes, past the 500 inputs a page may draw.
        Assert.Contains("inputs", ApplicationForm.Check(document.RootElement)?.En ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void The_questions_keep_the_forms_order_even_after_postgresql_sorted_its_keys()
    {
        // jsonb keeps an object's keys shortest first: "sex" before "childName". x-order is what keeps a clerk's order.
        var stored = FromJson("""
            {"type": "object", "x-order": ["childName", "sex", "parents"], "properties": {
              "sex": {"type": "string"}, "parents": {"type": "object", "x-order": ["mother", "father"],
                "properties": {"father": {"type": "string"}, "mother": {"type": "string"}}}, "childName": {"type": "string"}}}
            """);
        var unordered = FromJson("""{"type": "object", "properties": {"sex": {"type": "string"}, "childName": {"type": "string"}}}""");

        Assert.Equal(["childName", "sex", "parents"], stored.Fields.Select(f => f.Name));
        Assert.Equal(["mother", "father"], stored.Fields[2].Fields.Select(f => f.Name));
        Assert.Equal(["sex", "childName"], unordered.Fields.Select(f => f.Name));
    }

    [Theory]
    [InlineData("""{"type": "object", "x-order": ["a", "b"], "properties": {"a": {"type": "string"}}}""")]
    [InlineData("""{"type": "object", "x-order": ["a", "a"], "properties": {"a": {"type": "string"}}}""")]
    [InlineData("""{"type": "object", "x-order": "a", "properties": {"a": {"type": "string"}}}""")]
    [InlineData("""{"type": "object", "x-order": [1], "properties": {"a": {"type": "string"}}}""")]
    public void An_order_that_does_not_name_the_forms_fields_once_each_is_refused(string schema)
    {
        using var document = JsonDocument.Parse(schema);

        Assert.Contains("x-order", ApplicationForm.Check(document.RootElement)?.En ?? "", StringComparison.Ordinal);
    }

    private static System.Text.Json.Nodes.JsonObject Birth(string date) => Answers($$"""
        {"childName": "Neema", "sex": "female", "dateOfBirth": "{{date}}", "placeOfBirth": "Arusha", "motherName": "Rehema"}
        """);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
