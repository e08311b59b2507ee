namespace ServicePortal.DemoAgencies;

/// <summary>
/// One demo agency backend: its code (the path segment the portal's gateway uses), its names in both
/// languages, the services it takes applications for, and the endpoints it adds beside the ones every agency has
/// (<c>/health</c>, <c>/whoami</c>).
/// </summary>
public abstract class DemoAgency
{
    public abstract string Code { get; }
    public abstract string NameSw { get; }
    public abstract string NameEn { get; }

    /// <summary>
    /// The services that accept online applications through the portal (its application contract: submit, batch
    /// status), or null for an agency that takes none.
    /// </summary>
    public virtual Applications.ApplicationCatalogue? Applications => null;

    public virtual void AddServices(IServiceCollection services)
    {
    }

    public abstract void MapEndpoints(IEndpointRouteBuilder endpoints);

    public static IReadOnlyList<DemoAgency> All { get; } =
    [
        new Agencies.Nida.NidaAgency(),
        new Agencies.Rita.RitaAgency(),
        new Agencies.Brela.BrelaAgency(),
        new Agencies.Tra.TraAgency(),
    ];

    public static DemoAgency Get(string code) =>
        All.FirstOrDefault(a => a.Code == code) ?? throw new ArgumentException($"No demo agency '{code}'.", nameof(code));
}
