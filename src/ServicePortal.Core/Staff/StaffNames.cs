using System.Globalization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Core.Staff;

/// <summary>A staff member as staff pages name them: the account's name and, when they hold one, a role in plain words.</summary>
public sealed record StaffName(Guid AccountId, string FullName, string? Role)
{
    /// <summary>"Emmanuel Kimaro, msimamizi wa lango (e-GA)" / "Emmanuel Kimaro, portal administrator (e-GA)".</summary>
    public string Display => Role is null ? FullName : $"{FullName}, {Role}";
}

/// <summary>
/// Who staff are, by account id. Records keep the id of whoever acted (<c>staff:&lt;account id&gt;</c> in a history
/// row): the id is the record and never changes; the name is for reading and is looked up when a page is shown. The
/// identity module owns accounts, their names and roles, and implements this; the modules that show who did what use
/// it and never read identity's tables.
/// </summary>
public interface IStaffNames
{
    /// <summary>
    /// The accounts among <paramref name="accountIds"/> that exist, each with one role in the current request's
    /// language: <paramref name="actingRole"/> when the person holds it (the role an act needs, e.g. administrator for a
    /// catalogue decision), otherwise their first role; none when they hold no staff role any more. An id missing from
    /// the answer is unknown.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, StaffName>> ListAsync(IReadOnlyCollection<Guid> accountIds, string? actingRole,
        CancellationToken cancellationToken);
}

/// <summary>
/// Who did something, as records write it (<c>staff:&lt;account id&gt;</c>, <c>agency:&lt;code&gt;</c>, <c>seed</c>) and
/// as staff read it ("Emmanuel Kimaro, msimamizi wa lango (e-GA)"). An actor that cannot be named is shown by what the
/// record holds, never as an error.
/// </summary>
public static class Actors
{
    public const string StaffPrefix = "staff:";
    public const string AgencyPrefix = "agency:";
    public const string Seed = "seed";

    /// <summary>The account id of a <c>staff:&lt;id&gt;</c> actor, or null (another kind of actor, or not an id).</summary>
    public static Guid? StaffAccountOf(string actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.StartsWith(StaffPrefix, StringComparison.Ordinal) &&
               Guid.TryParse(actor.AsSpan(StaffPrefix.Length), CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    /// <summary>
    /// Each distinct actor in words, staff names looked up in one call. <paramref name="names"/>: the registered
    /// <see cref="IStaffNames"/> (none in a host without the identity module: then staff are shown by id).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> DescribeManyAsync(IEnumerable<IStaffNames> names,
        IEnumerable<string> actors, string? actingRole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(actors);
        var distinct = actors.Distinct(StringComparer.Ordinal).ToList();
        var ids = distinct.Select(StaffAccountOf).OfType<Guid>().Distinct().ToList();
        var found = ids.Count > 0 && names.FirstOrDefault() is { } lookup
            ? await lookup.ListAsync(ids, actingRole, cancellationToken)
            : new Dictionary<Guid, StaffName>();
        return distinct.ToDictionary(a => a, a => Describe(a, found), StringComparer.Ordinal);
    }

    /// <summary>One actor in words, from names already looked up.</summary>
    public static string Describe(string actor, IReadOnlyDictionary<Guid, StaffName> names)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(names);
        if (StaffAccountOf(actor) is { } id && names.TryGetValue(id, out var name))
        {
            return name.Display;
        }

        if (actor.StartsWith(StaffPrefix, StringComparison.Ordinal))
        {
            var number = actor[StaffPrefix.Length..];
            return T($"mtumishi (namba {number})", $"staff member ({number})");
        }

        if (actor.StartsWith(AgencyPrefix, StringComparison.Ordinal))
        {
            var agency = actor[AgencyPrefix.Length..].ToUpperInvariant();
            return T($"taasisi {agency} (kupitia mfumo wake)", $"the agency {agency} (from its own system)");
        }

        return actor == Seed ? T("data ya mfano ya lango", "the portal's demo data") : actor;
    }
}
