namespace ServicePortal.DemoAgencies.Agencies.Nida;

/// <summary>
/// A national ID registry like NIDA's: it holds people by NIN and, in the identity issue, answers the
/// portal's question-and-answer checks. Here it holds its seeded people.
/// </summary>
public sealed class NidaAgency : DemoAgency
{
    public override string Code => "nida";
    public override string NameSw => "Mamlaka ya Vitambulisho vya Taifa (NIDA)";
    public override string NameEn => "National Identification Authority (NIDA)";

    public override void AddServices(IServiceCollection services) => services.AddSingleton(new NidaRegistry(NidaRegistry.SeededPeople));

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
