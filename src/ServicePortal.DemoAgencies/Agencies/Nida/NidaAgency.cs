namespace ServicePortal.DemoAgencies.Agencies.Nida;

/// <summary>
/// A national ID registry like NIDA's verification gateway: the portal sends the details a person typed,
/// and if they match a registered person the registry asks one question only that person should know
/// (mother's first name, or region of birth), allowing three attempts.
/// </summary>
/// <remarks>
/// The real gateway is reached through GovESB with signed requests; this demo accepts loopback callers
/// without credentials, which is fine for a demo on one machine and nowhere else.
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
