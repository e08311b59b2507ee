using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// Development only: the demo agencies that handle identity documents (nida, rita, brela, tra) receive the NIN
/// in their assertions, as they would under their laws; in production an administrator records each one.
/// </summary>
internal sealed class DemoEntitlements(NpgsqlDataSource dataSource) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO gateway.agency_entitlements (agency_code, nin, legal_basis, granted_by)
            SELECT code, true, 'Demo data (Development)', 'demo' FROM unnest($1::text[]) AS code
            ON CONFLICT (agency_code) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = new[] { "nida", "rita", "brela", "tra" } });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
