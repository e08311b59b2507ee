using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenIddict.Abstractions;
using ServicePortal.Core.Messaging;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>
/// The catalogue portal plus what onboarding tests need: agencies of their own, OpenIddict clients bound to
/// them with real client-credentials tokens (over HTTPS: OpenIddict refuses plain HTTP outside Development),
/// and staff sessions signed in with password and SMS code. Helpers copied in small from the identity tests.
/// </summary>
public partial class OnboardingPortalFactory : CatalogPortalFactory
{
    public const string Password = "Mti-Mrefu-Wa-Mwembe";
    private const string Secret = "siri-ya-taasisi-ndefu-kabisa-2026";

    /// <summary>A new agency (approved unless told otherwise) with a unique code.</summary>
    public async Task<string> CreateAgencyAsync(string status = "approved")
    {
        var code = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.ExecuteAsync("""
            INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
            VALUES (@code, upper(@code), 'Taasisi ya Majaribio ' || @code, 'Test Agency ' || @code, @status)
            """, new { code, status });
        return code;
    }

    /// <summary>An OpenIddict client of the agency (or of none), allowed these scopes.</summary>
    public async Task<string> CreateAgencyClientAsync(string? agency, params string[] scopes)
    {
        var clientId = "agency-" + Guid.NewGuid().ToString("N")[..12];
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = Secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Mfumo wa taasisi",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        if (agency is not null)
        {
            descriptor.Properties["agency"] = JsonSerializer.SerializeToElement(agency);
        }

        await using var serviceScope = Services.CreateAsyncScope();
        await serviceScope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        return clientId;
    }

    public HttpClient Https() => CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
    });

    /// <summary>An HTTPS client carrying a client-credentials access token for the agency's client.</summary>
    public async Task<HttpClient> AgencyApiAsync(string? agency, string scope = "agency.manage", string[]? allowed = null)
    {
        var clientId = await CreateAgencyClientAsync(agency, allowed ?? [scope]);
        var http = Https();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
            ["scope"] = scope,
        });
        var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return http;
    }

    /// <summary>A signed-in browser (password and SMS code) of a new account with these roles.</summary>
    public async Task<FormClient> SignedInAsync(params string[] roles)
    {
        var (nin, phone) = await CreateStaffAsync(roles);
        var browser = this.CreateFormClient();
        await SignInAsync(browser, nin, phone, Password);
        return browser;
    }

    /// <summary>A new account with these roles (password <see cref="Password"/>); returns its NIN and phone.</summary>
    public async Task<(string Nin, string Phone)> CreateStaffAsync(params string[] roles)
    {
        var digits = string.Concat(Enumerable.Range(0, 12).Select(_ => Random.Shared.Next(10)));
        var nin = "19880214" + digits;
        var phone = "+2557" + string.Concat(Enumerable.Range(0, 8).Select(_ => Random.Shared.Next(10)));
        var hash = Services.GetRequiredService<ServicePortal.Identity.Accounts.PasswordHashing>().Hash(Password);
        await using (var connection = new NpgsqlConnection(Database.ConnectionString))
        {
            await connection.ExecuteAsync("""
                WITH account AS (
                    INSERT INTO identity.accounts (nin, first_name, last_name, date_of_birth, phone, password_hash, language)
                    VALUES (@nin, 'Neema', 'Msuya', DATE '1988-02-14', @phone, @hash, 'sw') RETURNING id)
                INSERT INTO identity.account_roles (account_id, role)
                SELECT id, role FROM account, unnest(@roles) AS role
                """, new { nin, phone, hash, roles });
        }

        return (nin, phone);
    }
}
