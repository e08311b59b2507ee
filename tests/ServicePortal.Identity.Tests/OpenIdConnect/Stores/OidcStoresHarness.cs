using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenIddict.Abstractions;
using ServicePortal.Identity.OpenIdConnect.Stores;

namespace ServicePortal.Identity.Tests.OpenIdConnect.Stores;

/// <summary>
/// OpenIddict's real managers on the Dapper stores, on a fresh migrated database of the test's own.
/// </summary>
internal sealed class OidcStoresHarness : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    private OidcStoresHarness(TestDatabase database, NpgsqlDataSource dataSource, ServiceProvider provider)
    {
        _database = database;
        DataSource = dataSource;
        _provider = provider;
        _scope = provider.CreateAsyncScope();
    }

    public NpgsqlDataSource DataSource { get; }
    public IServiceProvider Services => _scope.ServiceProvider;
    public IOpenIddictApplicationManager Applications => Services.GetRequiredService<IOpenIddictApplicationManager>();
    public IOpenIddictAuthorizationManager Authorizations => Services.GetRequiredService<IOpenIddictAuthorizationManager>();
    public IOpenIddictScopeManager Scopes => Services.GetRequiredService<IOpenIddictScopeManager>();
    public IOpenIddictTokenManager Tokens => Services.GetRequiredService<IOpenIddictTokenManager>();

    public static async Task<OidcStoresHarness> StartAsync()
    {
        var database = await TestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(dataSource);
        services.AddOpenIddict().AddCore(options => options.AddDapperStores());
        var provider = services.BuildServiceProvider(new ServiceProviderOptions
        {
            ValidateScopes = true,
            ValidateOnBuild = true,
        });
        return new OidcStoresHarness(database, dataSource, provider);
    }

    /// <summary>The store itself: every find returns a fresh instance read from the database, never a cached one.</summary>
    public T Store<T>() where T : notnull => Services.GetRequiredService<T>();

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<OidcApplication> CreateApplicationAsync(string clientId, params string[] redirectUris)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = OpenIddictConstants.ClientTypes.Public,
            DisplayName = clientId,
        };
        foreach (var uri in redirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        return (OidcApplication)await Applications.CreateAsync(descriptor);
    }

    public async Task<OidcAuthorization> CreateAuthorizationAsync(OidcApplication application, string subject,
        string status, string type, DateTimeOffset? created = null, params string[] scopes)
    {
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = application.Id,
            Subject = subject,
            Status = status,
            Type = type,
            CreationDate = created ?? DateTimeOffset.UtcNow,
        };
        descriptor.Scopes.UnionWith(scopes);
        return (OidcAuthorization)await Authorizations.CreateAsync(descriptor);
    }

    public async Task<OidcToken> CreateTokenAsync(OidcApplication application, OidcAuthorization? authorization,
        string subject, string status = OpenIddictConstants.Statuses.Valid, DateTimeOffset? created = null,
        DateTimeOffset? expires = null, string type = OpenIddictConstants.TokenTypeHints.RefreshToken)
    {
        var now = DateTimeOffset.UtcNow;
        return (OidcToken)await Tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            ApplicationId = application.Id,
            AuthorizationId = authorization?.Id,
            Subject = subject,
            Status = status,
            Type = type,
            CreationDate = created ?? now,
            ExpirationDate = expires ?? (created ?? now).AddDays(14),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
        await DataSource.DisposeAsync();
        await _database.DisposeAsync();
    }
}
