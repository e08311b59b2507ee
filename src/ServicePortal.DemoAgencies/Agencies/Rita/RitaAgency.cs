namespace ServicePortal.DemoAgencies.Agencies.Rita;

/// <summary>
/// Birth and death certificates, marriage certificate copies, verification of certificates and boards of trustees. Implements the portal's application contract for the services in <see cref="RitaServices"/>.
/// </summary>
public sealed class RitaAgency : DemoAgency
{
    public override string Code => "rita";
    public override string NameSw => "Wakala wa Usajili, Ufilisi na Udhamini (RITA)";
    public override string NameEn => "Registration, Insolvency and Trusteeship Agency (RITA)";

    public override Applications.ApplicationCatalogue Applications => RitaServices.Catalogue;

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
