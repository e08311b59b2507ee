using System.Diagnostics.CodeAnalysis;
using ServicePortal.Core.Identifiers;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// The reference a citizen reads out over the phone: <c>SP-</c>, eight random characters and a check character
/// (<see cref="ReadableReference"/>, the scheme the portal's readable numbers share; a helpdesk ticket has its own prefix).
/// </summary>
internal readonly record struct PortalReference
{
    public const string Prefix = "SP-";
    public const int RandomLength = ReadableReference.RandomLength;

    private PortalReference(string value) => Value = value;

    /// <summary>The canonical form, e.g. <c>SP-7K2M9QXR4</c>.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    public static PortalReference New() => new(ReadableReference.New("SP"));

    public static bool TryParse(string? text, [NotNullWhen(true)] out PortalReference? reference)
    {
        reference = ReadableReference.TryParse("SP", text, out var value) ? new PortalReference(value) : null;
        return reference is not null;
    }
}
