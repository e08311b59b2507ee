using System.Text.RegularExpressions;
using ServicePortal.Catalog.Forms;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Requests.Tests.Forms;

/// <summary>The markup of <c>_ApplicationFormFields</c> and <c>_ApplicationAnswers</c>, rendered by the Razor engine.</summary>
public sealed partial class RenderingTests
{
    private static Task<string> Fields(ApplicationFormView view, string language = "sw") =>
        InAsync(language, () => PartialRenderer.RenderAsync("_ApplicationFormFields", view));

    private static Task<string> Review(ApplicationAnswersView view, string language = "sw") =>
        InAsync(language, () => PartialRenderer.RenderAsync("_ApplicationAnswers", view));

    private static async Task<string> InAsync(string language, Func<Task<string>> render)
    {
        var saved = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(language);
        try
        {
            return await render();
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = saved;
        }
    }

    [Fact]
    public async Task Every_field_has_a_label_for_its_input_in_the_current_language()
    {
        var html = await Fields(new ApplicationFormView(Seeded("rita-birth")));

        Assert.Contains("""<label for="answers-childName">Jina kamili la mtoto</label>""", html, StringComparison.Ordinal);
        Assert.Contains("""<input type="text" id="answers-childName" name="answers.childName" """.TrimEnd(), html, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"date\"", html, StringComparison.Ordinal);
        var english = await Fields(new ApplicationFormView(Seeded("rita-birth")), "en");
        Assert.Contains("""<label for="answers-childName">Child&#x27;s full name</label>""", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optional_fields_say_so_in_words_and_required_ones_carry_no_mark()
    {
        var html = await Fields(new ApplicationFormView(Seeded("rita-birth")));

        Assert.Matches("""<label for="answers-fatherName">Jina kamili la baba <span class="optional">\(si lazima\)</span>\s*</label>""", html);
        Assert.DoesNotContain("*", html, StringComparison.Ordinal);
        Assert.Contains("(optional)", await Fields(new ApplicationFormView(Seeded("rita-birth")), "en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_browser_is_given_no_checks_whose_messages_would_be_in_the_phones_language()
    {
        var html = await Fields(new ApplicationFormView(Seeded("brela-company")));

        Assert.DoesNotMatch(@"\s(required|maxlength|minlength|pattern|min|max)(=|\s|>)", html);
    }

    [Fact]
    public async Task A_description_is_a_hint_the_input_points_to()
    {
        var html = await Fields(new ApplicationFormView(Seeded("rita-birth")), "en");

        Assert.Contains("""<p class="hint" id="answers-placeOfBirth-hint">Hospital or health centre, district and region</p>""", html, StringComparison.Ordinal);
        Assert.Matches("""id="answers-placeOfBirth"[^>]*aria-describedby="answers-placeOfBirth-hint" """.TrimEnd(), html);
    }

    [Fact]
    public async Task Each_kind_of_field_gets_its_control()
    {
        var company = await Fields(new ApplicationFormView(Seeded("brela-company")));
        var death = await Fields(new ApplicationFormView(Seeded("rita-death")));
        var taxpayer = await Fields(new ApplicationFormView(Seeded("tra-taxpayer")));

        // Three company types: radio buttons in a fieldset; five relationships: a drop-down list.
        Assert.Matches("""<fieldset class="field" id="answers-companyType"[^>]*>\s*<legend>Aina ya kampuni</legend>""", company);
        Assert.Contains("""<input type="radio" id="answers-companyType-0" name="answers.companyType" value="private_shares" """.TrimEnd(), company, StringComparison.Ordinal);
        Assert.Contains("""<select id="answers-relationship" name="answers.relationship" """.TrimEnd(), death, StringComparison.Ordinal);
        Assert.Contains("""<option value="sibling">Kaka au dada</option>""", death, StringComparison.Ordinal);
        Assert.Contains("""id="answers-shareCapitalTzs" name="answers.shareCapitalTzs" inputmode="numeric" """.TrimEnd(), company, StringComparison.Ordinal);
        Assert.Contains("""<textarea id="answers-details" name="answers.details" rows="5" """.TrimEnd(), taxpayer, StringComparison.Ordinal);
        // The directors: a list of entries, each a fieldset of its own fields.
        Assert.Contains("""<legend>Wakurugenzi 1</legend>""", company, StringComparison.Ordinal);
        Assert.Contains("""name="answers.directors[2].nin" """.TrimEnd(), company, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_boolean_is_a_checkbox_whose_absence_posts_no()
    {
        var form = FromJson("""{"type": "object", "properties": {"agreed": {"type": "boolean", "x-title": {"sw": "Nakubali", "en": "I agree"}}}}""");

        var html = await Fields(new ApplicationFormView(form, Answers("""{"agreed": true}"""), []));

        Assert.Contains("""<input type="hidden" name="answers.agreed" value="false">""", html, StringComparison.Ordinal);
        Assert.Matches("""<input type="checkbox" id="answers-agreed" name="answers.agreed" value="true" checked="checked" """.TrimEnd(), html);
    }

    [Fact]
    public async Task Errors_are_summarised_with_links_and_shown_above_their_inputs()
    {
        var form = Seeded("rita-birth");
        var answers = Answers("""{"childName": "Neema", "dateOfBirth": "2024-2-30"}""");
        var errors = In("sw", () => form.Validate(answers));

        var html = await Fields(new ApplicationFormView(form, answers, errors));

        Assert.Matches("""<div class="error-summary" role="alert" aria-labelledby="application-errors-title" tabindex="-1">\s*<h2 id="application-errors-title">Tafadhali rekebisha yafuatayo</h2>""", html);
        // A date's error takes the person to its first box, the day.
        Assert.Contains("""<li><a href="#answers-dateOfBirth-day">«Tarehe ya kuzaliwa ya mtoto» iwe tarehe halisi: siku, mwezi na mwaka, mfano 15 3 2024.</a></li>""",
            System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        var day = InputTag().Matches(html).Single(m => m.Value.Contains("id=\"answers-dateOfBirth-day\"", StringComparison.Ordinal)).Value;
        Assert.Contains("""value="30" """.TrimEnd(), day, StringComparison.Ordinal);
        Assert.Contains("""aria-describedby="answers-dateOfBirth-hint answers-dateOfBirth-error" """.TrimEnd(), day, StringComparison.Ordinal);
        Assert.Contains("""aria-invalid="true" """.TrimEnd(), day, StringComparison.Ordinal);
        Assert.True(html.IndexOf("id=\"answers-dateOfBirth-error\"", StringComparison.Ordinal) < html.IndexOf("id=\"answers-dateOfBirth-day\"", StringComparison.Ordinal));
        Assert.Contains("Please correct the following", await Fields(new ApplicationFormView(form, answers, errors), "en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_is_three_labelled_boxes_in_a_fieldset_as_on_the_registration_page()
    {
        var form = Seeded("rita-birth");

        var html = await Fields(new ApplicationFormView(form, Answers("""{"dateOfBirth": "2027-01-05"}"""), []));
        var english = await Fields(new ApplicationFormView(form), "en");

        Assert.Matches("""<fieldset class="field" id="answers-dateOfBirth" aria-describedby="answers-dateOfBirth-hint">\s*<legend>Tarehe ya kuzaliwa ya mtoto</legend>\s*<p class="hint" id="answers-dateOfBirth-hint">Kwa mfano 27 3 2024</p>\s*<div class="date-input">""", html);
        Assert.Matches("""<label for="answers-dateOfBirth-day">Siku</label>\s*<input type="text" id="answers-dateOfBirth-day" name="answers.dateOfBirth.day" value="5" inputmode="numeric" autocomplete="off" class="input-2" """.TrimEnd(), html);
        Assert.Matches("""<label for="answers-dateOfBirth-month">Mwezi</label>\s*<input type="text" id="answers-dateOfBirth-month" name="answers.dateOfBirth.month" value="1" """.TrimEnd(), html);
        Assert.Matches("""<label for="answers-dateOfBirth-year">Mwaka</label>\s*<input type="text" id="answers-dateOfBirth-year" name="answers.dateOfBirth.year" value="2027" inputmode="numeric" autocomplete="off" class="input-4" """.TrimEnd(), html);
        Assert.Contains("""<label for="answers-dateOfBirth-day">Day</label>""", english, StringComparison.Ordinal);
        Assert.Contains("For example 27 3 2024", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_summary_is_drawn_without_errors_and_answers_are_filled_back()
    {
        var form = Seeded("rita-death");
        var html = await Fields(new ApplicationFormView(form, Answers("""{"deceasedName": "Juma", "relationship": "child"}"""), []));

        Assert.DoesNotContain("error-summary", html, StringComparison.Ordinal);
        Assert.Contains("""value="Juma" """.TrimEnd(), html, StringComparison.Ordinal);
        Assert.Contains("""<option value="child" selected="selected">Mtoto</option>""", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_in_an_answer_or_in_the_schema_is_written_as_text()
    {
        var form = FromJson("""
            {"type": "object", "properties": {
              "name": {"type": "string", "x-title": {"sw": "<script>alert('t')</script>", "en": "x"},
                       "x-description": {"sw": "<img src=x onerror=alert(1)>", "en": "x"}},
              "kind": {"type": "string", "enum": ["\"><script>alert(2)</script>"], "x-enum-titles": [{"sw": "<b>a</b>", "en": "a"}]}}}
            """);
        var answers = Answers("""{"name": "\"><script>alert(3)</script>", "kind": "\"><script>alert(2)</script>"}""");
        var errors = new[] { new FieldError("name", "<script>alert(4)</script>") };

        var html = await Fields(new ApplicationFormView(form, answers, errors));
        var review = await Review(new ApplicationAnswersView(form, answers));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", review, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(3)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_review_shows_titles_choices_yes_no_and_dates_in_words()
    {
        var form = FromJson("""
            {"type": "object", "properties": {
              "born": {"type": "string", "format": "date", "x-title": {"sw": "Tarehe ya kuzaliwa", "en": "Date of birth"}},
              "sex": {"type": "string", "enum": ["female", "male"], "x-title": {"sw": "Jinsi", "en": "Sex"}, "x-enum-titles": [{"sw": "Ke", "en": "Female"}, {"sw": "Me", "en": "Male"}]},
              "married": {"type": "boolean", "x-title": {"sw": "Umeoa au kuolewa", "en": "Married"}},
              "notes": {"type": "string", "x-title": {"sw": "Maelezo", "en": "Notes"}}}}
            """);
        var answers = Answers("""{"born": "2024-03-15", "sex": "female", "married": false}""");

        var sw = await Review(new ApplicationAnswersView(form, answers));
        var en = await Review(new ApplicationAnswersView(form, answers), "en");

        Assert.Matches("""<dt>Tarehe ya kuzaliwa</dt>\s*<dd>\s*<span class="answer-text">15 Machi 2024</span>\s*</dd>""", sw);
        Assert.Matches("""<dt>Date of birth</dt>\s*<dd>\s*<span class="answer-text">15 March 2024</span>\s*</dd>""", en);
        Assert.Matches("""<dt>Jinsi</dt>\s*<dd>\s*<span class="answer-text">Ke</span>\s*</dd>""", sw);
        Assert.Matches("""<dt>Umeoa au kuolewa</dt>\s*<dd>\s*<span class="answer-text">Hapana</span>\s*</dd>""", sw);
        Assert.Matches("""<dt>Maelezo</dt>\s*<dd>\s*<span class="muted">Haijajazwa</span>\s*</dd>""", sw);
        Assert.Matches("""<dt>Sex</dt>\s*<dd>\s*<span class="answer-text">Female</span>\s*</dd>""", en);
        Assert.Matches("""<dt>Married</dt>\s*<dd>\s*<span class="answer-text">No</span>\s*</dd>""", en);
    }

    [Fact]
    public async Task Ids_are_unique_across_a_whole_form()
    {
        foreach (var code in SeededSchemaCodes())
        {
            var form = Seeded(code);
            var html = await Fields(new ApplicationFormView(form, new(), In("sw", () => form.Validate(new()))));
            var ids = IdAttribute().Matches(html).Select(m => m.Groups[1].Value).ToArray();
            Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
            foreach (var target in LabelFor().Matches(html).Select(m => m.Groups[1].Value))
            {
                Assert.Contains(target, ids);
            }
        }
    }

    [Fact]
    public async Task Every_error_links_to_an_element_of_the_form_even_inside_a_list()
    {
        var form = Seeded("brela-company");
        var answers = form.ReadAnswers(Posted(
            ("answers.proposedName", "Kilimo Bora"), ("answers.companyType", "public"), ("answers.shareCapitalTzs", "elfu"),
            ("answers.directors[0].name", "Asha"), ("answers.directors[0].nin", "19900415-11111-00001-23"),
            ("answers.directors[1].name", "Baraka")));
        var errors = In("en", () => form.Validate(answers));

        var html = await Fields(new ApplicationFormView(form, answers, errors), "en");

        Assert.Equal(["shareCapitalTzs", "directors[1].nin"], errors.Select(e => e.Field));
        Assert.Equal("Fill in “NIN (Directors 2)”.", errors[1].Message);
        var ids = IdAttribute().Matches(html).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(LinkTarget().Matches(html).Select(m => m.Groups[1].Value), target => Assert.Contains(target, ids));
        Assert.Contains("""value="Baraka" """.TrimEnd(), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_review_shows_each_entry_of_a_list()
    {
        var form = Seeded("brela-company");
        var answers = Answers("""{"directors": [{"name": "Asha", "nin": "1"}, {"name": "Baraka", "nin": "2"}]}""");

        var html = await Review(new ApplicationAnswersView(form, answers), "en");

        Assert.Matches("""<dt>Directors</dt>\s*<dd>\s*<ol>\s*<li>\s*<dl class="summary answers">\s*<dt>Full name</dt>\s*<dd>\s*<span class="answer-text">Asha</span>""", html);
        Assert.Contains("Baraka", html, StringComparison.Ordinal);
    }

    private static IEnumerable<string> SeededSchemaCodes() => SeededSchemas.Keys;

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex(@"\sid=""([^""]+)""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"<a href=""#([^""]+)""")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"<label for=""([^""]+)""")]
    private static partial Regex LabelFor();
}
