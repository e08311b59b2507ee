namespace ServicePortal.DemoAgencies.Agencies.Rita;

/// <summary>
/// Birth and death certificates. The applications contract (submit, batch status, push) arrives with the requests issue.
/// </summary>
public sealed class RitaAgency : DemoAgency
{
    public override string Code => "rita";
    public override string NameSw => "Wakala wa Usajili, Ufilisi na Udhamini (RITA)";
    public override string NameEn => "Registration, Insolvency and Trusteeship Agency (RITA)";

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
