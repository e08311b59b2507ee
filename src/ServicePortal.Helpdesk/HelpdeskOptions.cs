using System.ComponentModel.DataAnnotations;

namespace ServicePortal.Helpdesk;

/// <summary>The helpdesk's settings (section <c>Helpdesk</c>), checked at start-up.</summary>
internal sealed class HelpdeskOptions
{
    /// <summary>Tickets one citizen may open in any 24 hours (more is someone's script, or a question better asked in a reply).</summary>
    [Range(1, 1000)]
    public int TicketsPerDay { get; set; } = 10;

    /// <summary>Replies one citizen may write in any 24 hours, over all their tickets.</summary>
    [Range(1, 10_000)]
    public int RepliesPerDay { get; set; } = 60;
}
