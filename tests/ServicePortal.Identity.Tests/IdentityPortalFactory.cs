using System.Net;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServicePortal.Core.Messaging;
using ServicePortal.DemoAgencies;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The portal with the demo national ID registry (the <c>nida</c> demo agency, a real HTTP service on a
/// loopback port). Lockout and rate limits can be tightened per test class.
/// </summary>
public class IdentityPortalFactory : PortalFactory
{
    private WebApplication? _registry;

    public Uri RegistryAddress { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _registry = DemoAgencyHost.Build(DemoAgency.Get("nida"), "http://127.0.0.1:0");
        await _registry.StartAsync();
        RegistryAddress = DemoAgencyHost.BaseAddress(_registry);
        With("Identity:RegistryUrl", RegistryAddress.ToString());
        With("Identity:AttemptsPerAddressPerMinute", "1000");
    }

    public async Task StopRegistryAsync()
    {
        if (_registry is not null)
        {
            await _registry.StopAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>An account created directly, as registration would leave it; returns its NIN and phone.</summary>
    public async Task<(string Nin, string Phone)> CreateAccountAsync(string password = "Mti-Mrefu-Wa-Mwembe", string language = "sw")
    {
        var digits = string.Concat(Enumerable.Range(0, 12).Select(_ => Random.Shared.Next(10)));
        var nin = "19880214" + digits;
        var phone = "+2557" + string.Concat(Enumerable.Range(0, 8).Select(_ => Random.Shared.Next(10)));
        var hash = Services.GetRequiredService<Accounts.PasswordHashing>().Hash(password);
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO identity.accounts (nin, first_name, last_name, date_of_birth, phone, password_hash, language)
            VALUES (@nin, 'Rehema', 'Mollel', DATE '1988-02-14', @phone, @hash, @language)
            """, new { nin, phone, hash, language });
        return (nin, phone);
    }

    /// <summary>The newest 6-digit code texted to this phone (read from the outbox, as the SMS gateway would).</summary>
    public async Task<string> LatestCodeAsync(string phone)
    {
        await using var dataSource = Database.CreateDataSource();
        var messages = await Outbox.RecentAsync(dataSource, 1, phone, CancellationToken.None);
        var body = Assert.Single(messages).Body;
        return System.Text.RegularExpressions.Regex.Match(body, @"\b(\d{6})\b").Groups[1].Value;
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }
}
