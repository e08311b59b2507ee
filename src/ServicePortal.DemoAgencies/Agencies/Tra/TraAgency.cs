namespace ServicePortal.DemoAgencies.Agencies.Tra;

/// <summary>
/// Tax identification numbers (TIN) and tax clearance. The applications contract (submit, batch status, push) arrives with the requests issue.
/// </summary>
public sealed class TraAgency : DemoAgency
{
    public override string Code => "tra";
    public override string NameSw => "Mamlaka ya Mapato Tanzania (TRA)";
    public override string NameEn => "Tanzania Revenue Authority (TRA)";

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
