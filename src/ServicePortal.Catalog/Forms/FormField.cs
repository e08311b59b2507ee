using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Forms;

/// <summary>The JSON type of a field (<c>type</c> in the schema).</summary>
public enum FieldType
{
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

/// <summary>
/// One choice of an <c>enum</c>: <see cref="Value"/> is what is posted and stored (the JSON text for a
/// number), <see cref="Title"/> what a person reads (<c>x-enum-titles</c>, else the value itself).
/// </summary>
public sealed class EnumOption
{
    internal EnumOption(JsonNode? json, string value, Bilingual title)
    {
        Json = json;
        Value = value;
        Title = title;
    }

    public string Value { get; }

    public Bilingual Title { get; }

    /// <summary>The value as the schema wrote it; never handed out, since a <see cref="JsonNode"/> can be changed.</summary>
    internal JsonNode? Json { get; }

    internal bool Matches(JsonNode? answer) => JsonNode.DeepEquals(Json, answer);
}

/// <summary>
/// One field of an <see cref="ApplicationForm"/>: the keywords the engine draws and checks with a message in
/// the person's language. Keywords not read here (<c>const</c>, <c>multipleOf</c>, <c>allOf</c>...) are still
/// enforced by the JSON Schema evaluation that ends <see cref="ApplicationForm.Validate"/>.
/// </summary>
public sealed class FormField
{
    internal FormField(string name, FieldType type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>The property name in the answers; empty for the item of an array.</summary>
    public string Name { get; }

    public FieldType Type { get; }

    /// <summary><c>format</c>: one of the named formats the portal checks (<c>date</c>, <c>email</c>, <c>nin</c>, <c>phone-tz</c>; see <see cref="FieldFormats"/>); a form naming another is refused.</summary>
    public string? Format { get; internal init; }

    public bool Required { get; internal init; }

    public Bilingual Title { get; internal init; } = Bilingual.Empty;

    public Bilingual? Description { get; internal init; }

    public IReadOnlyList<EnumOption> Options { get; internal init; } = [];

    public int? MinLength { get; internal init; }

    public int? MaxLength { get; internal init; }

    public string? Pattern { get; internal init; }

    public decimal? Minimum { get; internal init; }

    public decimal? Maximum { get; internal init; }

    public int? MinItems { get; internal init; }

    public int? MaxItems { get; internal init; }

    /// <summary>The properties of an object, in the schema's order.</summary>
    public IReadOnlyList<FormField> Fields { get; internal init; } = [];

    /// <summary>The item of an array (<c>items</c>): an object with its own <see cref="Fields"/>, or a plain value.</summary>
    public FormField? Items { get; internal init; }

    /// <summary><c>additionalProperties: false</c> on an object.</summary>
    public bool ClosesProperties { get; internal init; }

    /// <summary><c>"x-not-future": true</c> on a date: it must be today or before (a birth, a death), in East Africa Time.</summary>
    public bool NotInFuture { get; internal init; }

    /// <summary>
    /// <c>"x-summary": true</c>: the answer that tells this application apart from the citizen's others (the child's
    /// name, the business's name), shown in their list of applications. See <see cref="ApplicationForm.SummaryOf"/>.
    /// </summary>
    public bool IsSummary { get; internal init; }

    public bool IsEnum => Options.Count > 0;

    public bool IsDate => Type == FieldType.String && Format == "date";

    public bool IsEmail => Type == FieldType.String && Format == "email";

    /// <summary>A text long enough to be written in a <c>&lt;textarea&gt;</c>.</summary>
    public bool IsLongText => Type == FieldType.String && !IsEnum && MaxLength > 200;

    internal Regex? PatternRegex { get; init; }

    public FormField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    internal string TitleText => Title.Current.Length > 0 ? Title.Current : Name;
}
