namespace ServicePortal.Catalog.Forms;

/// <summary>
/// A problem with the answers, in the person's language. <see cref="Field"/> is the field's path in the answers
/// (<c>childName</c>, <c>directors[0].nin</c>), or empty when the problem is with the answers as a whole.
/// </summary>
public sealed record FieldError(string Field, string Message)
{
    public bool IsFormLevel => Field.Length == 0;
}
