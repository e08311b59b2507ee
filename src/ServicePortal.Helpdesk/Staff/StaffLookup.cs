using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Requests;
using ServicePortal.Core.Security;
using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Staff;

/// <summary>Why a staff member looks a person up by NIN: a short list (the access log and the citizen read it) plus their words.</summary>
internal sealed record LookupReason(string Code, string Sw, string En)
{
    public const int MinText = 5;
    public const int MaxText = 500;

    public static IReadOnlyList<LookupReason> All { get; } =
    [
        new("caller", "Raia amepiga simu kuomba msaada", "The citizen called for help"),
        new("visit", "Raia yuko ofisini", "The citizen is at an office"),
        new("ticket", "Kufuatilia tiketi ya raia", "Following up the citizen's ticket"),
        new("agency", "Ombi la taasisi kuhusu raia", "An agency's question about the citizen"),
        new("complaint", "Kuchunguza malalamiko", "Looking into a complaint"),
    ];

    public string Name => T(Sw, En);

    public static LookupReason? Find(string? code) => All.FirstOrDefault(r => r.Code == code);
}

/// <summary>One person a find named, and how.</summary>
internal sealed record LookupHit(CitizenAccount Account, string MatchedBy, string? TicketNumber = null, string? Reference = null);

/// <summary>What a find came to.</summary>
internal abstract record LookupOutcome
{
    private LookupOutcome()
    {
    }

    public sealed record Found(IReadOnlyList<LookupHit> Hits) : LookupOutcome;

    /// <summary>The words are not a ticket number, a reference or a phone (a NIN is refused here: it needs a reason).</summary>
    public sealed record NotUnderstood : LookupOutcome;

    public sealed record TooMany(DateTimeOffset Until) : LookupOutcome;
}

/// <summary>
/// The helpdesk's find. By ticket number, portal reference or phone freely; by NIN only with a stated reason (checked
/// by the page). Every person a find names is written to the access log (<c>lookup</c>, with the reason) before the
/// result is shown: the rows are committed in one transaction after the reads and before the answer, so a result a
/// staff member saw is always on record. Finds are limited per staff member
/// (<see cref="HelpdeskOptions.LookupsPerMinute"/>), counted in PostgreSQL so the limit holds across nodes.
/// </summary>
internal sealed class StaffLookup(
    NpgsqlDataSource dataSource,
    ICitizenAccounts accounts,
    ICitizenApplications applications,
    StaffTickets tickets,
    AttemptLimits limits,
    IOptions<HelpdeskOptions> options)
{
    public async Task<LookupOutcome> FindAsync(StaffActor actor, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var text = (query ?? "").Trim();
        var ticketNumber = TicketNumber.TryParse(text, out var number) ? number : null;
        var reference = ticketNumber is null && Core.Identifiers.ReadableReference.TryParse("SP", text, out var r) ? r : null;
        var phone = ticketNumber is null && reference is null && PhoneNumber.TryNormalise(text, out var p) ? p : null;
        if (ticketNumber is null && reference is null && phone is null)
        {
            return new LookupOutcome.NotUnderstood();
        }

        if (await LimitedAsync(actor, cancellationToken) is { } until)
        {
            return new LookupOutcome.TooMany(until);
        }

        var hits = new List<LookupHit>();
        if (ticketNumber is not null && await tickets.FindAsync(ticketNumber, cancellationToken) is { } ticket &&
            await accounts.FindByIdAsync(ticket.AccountId, cancellationToken) is { } owner)
        {
            hits.Add(new LookupHit(owner, ticketNumber, TicketNumber: ticket.Number));
        }
        else if (reference is not null && await applications.FindForStaffAsync(reference, cancellationToken) is { } application &&
                 await accounts.FindByIdAsync(application.AccountId, cancellationToken) is { } applicant)
        {
            hits.Add(new LookupHit(applicant, reference, Reference: application.Reference));
        }
        else if (phone is not null)
        {
            hits.AddRange((await accounts.FindByPhoneAsync(phone, cancellationToken)).Select(a => new LookupHit(a, PhoneNumber.Mask(phone))));
        }

        await RecordAsync([.. hits.Select(h => actor.Access(h.Account.AccountId, AccessAction.Lookup, h.MatchedBy))], cancellationToken);
        return new LookupOutcome.Found(hits);
    }

    /// <summary>By NIN, with the reason already checked (a known category and the staff member's words).</summary>
    public async Task<LookupOutcome> FindByNinAsync(StaffActor actor, NationalIdNumber nin, LookupReason reason, string reasonText,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(reason);
        if (string.IsNullOrWhiteSpace(reasonText) || reasonText.Trim().Length is < LookupReason.MinText or > LookupReason.MaxText)
        {
            throw new ArgumentException("A NIN lookup states its reason (validate it first).", nameof(reasonText));
        }

        if (await LimitedAsync(actor, cancellationToken) is { } until)
        {
            return new LookupOutcome.TooMany(until);
        }

        var hits = new List<LookupHit>();
        if (await accounts.FindByNinAsync(nin, cancellationToken) is { } account)
        {
            hits.Add(new LookupHit(account, "NIN " + nin.Masked));
        }

        await RecordAsync([.. hits.Select(h => actor.Access(h.Account.AccountId, AccessAction.Lookup, h.MatchedBy, reason.Code, reasonText.Trim()))],
            cancellationToken);
        return new LookupOutcome.Found(hits);
    }

    private async Task<DateTimeOffset?> LimitedAsync(StaffActor actor, CancellationToken cancellationToken)
    {
        var tally = await limits.CountAsync(new AttemptLimit("helpdesk.lookup", options.Value.LookupsPerMinute, TimeSpan.FromMinutes(1)),
            actor.AccountId.ToString(), cancellationToken);
        return tally.Exceeded ? tally.WindowEnd : null;
    }

    private async Task RecordAsync(IReadOnlyCollection<AccessLogEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AccessLog.RecordManyAsync(connection, transaction, entries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
