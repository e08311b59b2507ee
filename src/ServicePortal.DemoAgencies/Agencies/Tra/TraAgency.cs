namespace ServicePortal.DemoAgencies.Agencies.Tra;

/// <summary>
/// Tax identification numbers (TIN), tax clearance, VAT, EFDs, vehicle registration and driving licences. Implements the portal's application contract for the services in <see cref="TraServices"/>.
/// </summary>
public sealed class TraAgency : DemoAgency
{
    public override string Code => "tra";
    public override string NameSw => "Mamlaka ya Mapato Tanzania (TRA)";
    public override string NameEn => "Tanzania Revenue Authority (TRA)";

    public override Applications.ApplicationCatalogue Applications => TraServices.Catalogue;

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
