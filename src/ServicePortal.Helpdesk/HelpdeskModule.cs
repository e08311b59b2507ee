using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Database;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Api;
using ServicePortal.Helpdesk.Staff;
using ServicePortal.Helpdesk.Tickets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServicePortal.Helpdesk;

/// <summary>
/// Helpdesk: tickets, lookups with stated reasons, escalations to agencies, SLA queues.
/// The host calls <see cref="AddHelpdeskModule"/> and <see cref="MapHelpdeskModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class HelpdeskModule
{
    public const string Schema = "helpdesk";

    public static WebApplicationBuilder AddHelpdeskModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMigrationsFrom(typeof(HelpdeskModule).Assembly);
        services.AddOptions<HelpdeskOptions>().Bind(builder.Configuration.GetSection("Helpdesk"))
            .ValidateDataAnnotations()
            .Validate(o => o.BuildClock(out _) is not null, "Helpdesk: the working hours, holidays or SLA targets are not valid (see HelpdeskOptions).")
            .ValidateOnStart();
        services.AddSingleton<TicketStore>();
        services.AddSingleton<IValidator<NewTicketInput>, NewTicketValidator>();
        services.AddSingleton<IValidator<TicketReplyInput>, TicketReplyValidator>();
        // The staff side: queues, find, case, ticket work, and the agency officers' answers.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<HelpdeskOptions>>().Value.BuildClock(out _)!);
        services.AddSingleton<StaffTickets>();
        services.AddSingleton<StaffLookup>();
        services.AddSingleton<CitizenCases>();
        services.AddSingleton<IValidator<NinLookupInput>, NinLookupValidator>();
        if (builder.Environment.IsDevelopment())
        {
            services.AddHostedService<DemoTickets>(); // after the identity module's demo accounts (hosted services start in order)
        }

        // The citizen's pages (/msaada/tiketi...) and the staff's (/helpdesk, /agency/tickets); the SDK does not add a
        // referenced Razor class library on its own.
        services.AddRazorPages().AddApplicationPart(typeof(HelpdeskModule).Assembly);

        foreach (var role in new[] { StaffRoles.HelpdeskAgent, StaffRoles.HelpdeskSupervisor })
        {
            services.AddStaffTool(new StaffTool(role, "Foleni za tiketi", "Ticket queues",
                "Tiketi zisizogawiwa, zako, zinazopita muda wa huduma (SLA) na zilizopelekwa kwa taasisi; kupakua foleni.",
                "Unassigned tickets, yours, those breaching the service times (SLA) and those with an agency; downloading a queue.",
                "/helpdesk"));
            services.AddStaffTool(new StaffTool(role, "Tafuta raia au tiketi", "Find a citizen or a ticket",
                "Kwa namba ya tiketi, namba ya ombi au simu; kwa NIN pamoja na sababu. Kila utafutaji unaandikwa.",
                "By ticket number, application reference or phone; by NIN with a stated reason. Every search is recorded.",
                "/helpdesk/tafuta"));
        }

        services.AddStaffTool(new StaffTool(StaffRoles.AgencyOfficer, "Tiketi zilizopelekwa kwa taasisi yako", "Tickets escalated to your agency",
            "Maswali ya raia ambayo dawati la msaada limepeleka kwa taasisi yako: jibu linamfikia raia.",
            "Citizens' questions the helpdesk passed to your agency: your answer reaches the citizen.",
            "/agency/tickets"));
        return builder;
    }

    public static IEndpointRouteBuilder MapHelpdeskModule(this IEndpointRouteBuilder endpoints) => endpoints.MapAgencyTicketsApi();
}
