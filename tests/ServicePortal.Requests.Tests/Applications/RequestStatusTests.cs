using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Tests.Applications;

public sealed class RequestStatusTests
{
    [Theory]
    [InlineData("queued", "submitted", true)]
    [InlineData("queued", "in_review", false)]
    [InlineData("submitted", "in_review", true)]
    [InlineData("in_review", "action_required", true)]
    [InlineData("action_required", "in_review", true)]
    [InlineData("in_review", "completed", true)]
    [InlineData("approved", "completed", true)]
    [InlineData("approved", "in_review", false)]
    [InlineData("completed", "in_review", false)]
    [InlineData("rejected", "approved", false)]
    [InlineData("cancelled", "submitted", false)]
    [InlineData("in_review", "submitted", false)]
    [InlineData("in_review", "in_review", false)]
    public void The_transition_table_allows_only_forward_moves_and_never_leaves_a_final_status(string from, string to, bool allowed) =>
        Assert.Equal(allowed, RequestStatus.CanMove(from, to));

    [Theory]
    [InlineData("received", "submitted")]
    [InlineData("under_review", "in_review")]
    [InlineData("needs_correction", "action_required")]
    [InlineData("payment_pending", "awaiting_payment")]
    [InlineData("issued", "completed")]
    [InlineData("withdrawn", "cancelled")]
    [InlineData("  APPROVED ", "approved")]
    [InlineData("lost_in_the_post", null)]
    public void Agency_words_map_onto_the_canonical_statuses(string agency, string? canonical) =>
        Assert.Equal(canonical, RequestStatus.FromAgency(agency));
}
