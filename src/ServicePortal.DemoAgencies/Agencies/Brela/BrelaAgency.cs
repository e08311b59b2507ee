namespace ServicePortal.DemoAgencies.Agencies.Brela;

/// <summary>
/// Business names and companies. The applications contract (submit, batch status, push) arrives with the requests issue.
/// </summary>
public sealed class BrelaAgency : DemoAgency
{
    public override string Code => "brela";
    public override string NameSw => "Wakala wa Usajili wa Biashara na Leseni (BRELA)";
    public override string NameEn => "Business Registrations and Licensing Agency (BRELA)";

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
