namespace ServicePortal.DemoAgencies.Agencies.Nida;

/// <summary>
/// A national ID registry like NIDA's verification gateway: the portal sends the details a person typed,
/// and if they match a registered person the registry asks one question only that person should know
/// (mother's first name, or region of birth), allowing three attempts.
/// </summary>
/// <remarks>
/// The real gateway is reached through GovESB with signed requests. This demo answers only the portal: every call
/// carries the portal's service assertion (<c>Portal-Identity</c>, <c>typ</c> <c>portal-service+jwt</c>, audience
/// <c>nida</c>), verified with the portal's JWKS like every demo agency's endpoints (<c>DemoAgencies:PortalUrl</c>).
/// A verified person's answer carries the mobile numbers registered to the NIN, so the portal sends its code only
/// to one of them.
/// </remarks>
public sealed class NidaAgency : DemoAgency
{
    public override string Code => "nida";
    public override string NameSw => "Mamlaka ya Vitambulisho vya Taifa (NIDA)";
    public override string NameEn => "National Identification Authority (NIDA)";

    public override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(new NidaRegistry(NidaRegistry.SeededPeople));
        services.AddSingleton<VerificationDesk>();
        services.AddSingleton(TimeProvider.System);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => VerificationApi.Map(endpoints);
}
