using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Database;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Tickets;

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
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TicketStore>();
        services.AddSingleton<IValidator<NewTicketInput>, NewTicketValidator>();
        services.AddSingleton<IValidator<TicketReplyInput>, TicketReplyValidator>();
        // The citizen's pages (/msaada/tiketi...); the SDK does not add a referenced Razor class library on its own.
        services.AddRazorPages().AddApplicationPart(typeof(HelpdeskModule).Assembly);

        // Planned tools, listed on the staff home as not built yet until their pages exist (then give them an Href).
        foreach (var role in new[] { StaffRoles.HelpdeskAgent, StaffRoles.HelpdeskSupervisor })
        {
            services.AddStaffTool(new StaffTool(role, "Tafuta ombi au tiketi", "Find a request or a ticket",
                "Bado haijajengwa: kutafuta kwa namba ya kumbukumbu, na kumtafuta mtu kwa NIN pamoja na sababu.",
                "Not built yet: finding by reference number, and looking a person up by NIN with a stated reason."));
            services.AddStaffTool(new StaffTool(role, "Tiketi zangu", "My tickets",
                "Bado haijajengwa: tiketi ulizopewa, maelezo ya ndani na majibu kwa raia.",
                "Not built yet: the tickets assigned to you, internal notes and replies to citizens."));
        }

        services.AddStaffTool(new StaffTool(StaffRoles.HelpdeskSupervisor, "Foleni na muda wa huduma (SLA)", "Queues and service times (SLA)",
            "Bado haijajengwa: foleni za tiketi, kugawa kazi na tiketi zinazokaribia kuchelewa.",
            "Not built yet: ticket queues, assigning work and tickets close to their deadline."));
        return builder;
    }

    public static IEndpointRouteBuilder MapHelpdeskModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
