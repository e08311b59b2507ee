namespace ServicePortal.Helpdesk.Tests.Staff;

/// <summary>In Development (<c>./build.sh run</c>) the demo citizen has tickets, once, for the demo staff's queues.</summary>
public sealed class DemoTicketsTests(DevelopmentPortalFactory portal) : IClassFixture<DevelopmentPortalFactory>
{
    [Fact]
    public async Task The_demo_helpdesk_has_living_queues()
    {
        using var client = portal.CreateClient(); // starts the host: the demo accounts, then the demo tickets

        var byStatus = await portal.QueryAsync<(string, long)>(
            "SELECT status, count(*) FROM helpdesk.tickets t JOIN identity.accounts a ON a.id = t.account_id WHERE a.nin = '19900415111110000123' GROUP BY status ORDER BY status");

        Assert.Equal([("escalated", 1L), ("open", 3L), ("resolved", 1L)], byStatus);
        Assert.Equal("rita", await portal.ScalarAsync<string>("SELECT escalated_agency FROM helpdesk.tickets WHERE status = 'escalated'"));
    }
}
