namespace ServicePortal.DemoAgencies.Agencies.Brela;

/// <summary>
/// Business names, companies, business and industrial licences, trade marks, patents and annual returns. Implements the portal's application contract for the services in <see cref="BrelaServices"/>.
/// </summary>
public sealed class BrelaAgency : DemoAgency
{
    public override string Code => "brela";
    public override string NameSw => "Wakala wa Usajili wa Biashara na Leseni (BRELA)";
    public override string NameEn => "Business Registrations and Licensing Agency (BRELA)";

    public override Applications.ApplicationCatalogue Applications => BrelaServices.Catalogue;

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
