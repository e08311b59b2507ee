using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Database;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Security;
using ServicePortal.Core.Staff;
using ServicePortal.Requests.Agencies;
using ServicePortal.Requests.Api;
using ServicePortal.Requests.Officers;
using ServicePortal.Requests.Applications;
using ServicePortal.Requests.Sync;

namespace ServicePortal.Requests;

/// <summary>
/// Requests: applications, the agency connector, status sync jobs, timelines and notices.
/// The host calls <see cref="AddRequestsModule"/> and <see cref="MapRequestsModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class RequestsModule
{
    public const string Schema = "requests";

    public static WebApplicationBuilder AddRequestsModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMigrationsFrom(typeof(RequestsModule).Assembly);
        services.AddOptions<RequestsOptions>().Bind(builder.Configuration.GetSection("Requests"))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddStaffTool(new StaffTool(StaffRoles.Administrator, "Usawazishaji wa hali na taasisi", "Status sync with agencies",
            "Kila taasisi: hali ya maombi inavyoulizwa, kinachosubiri kutumwa, kilichochelewa na majibu yasiyotumika.",
            "Each agency: how status sync goes, what waits to be sent, what is overdue and the answers that could not be used.",
            "/admin/requests/sync"));
        services.AddStaffTool(new StaffTool(StaffRoles.Administrator, "Tathmini za wananchi", "Citizens' ratings",
            "Wastani wa alama ambazo wananchi wametoa kwa kila huduma baada ya maombi yao kukamilika au kukataliwa.",
            "The average score citizens gave each service once their application was completed or refused.",
            "/admin/requests/ratings"));
        services.AddStaffTool(new StaffTool(StaffRoles.AgencyOfficer, "Maombi yaliyotumwa kwa taasisi yako", "Applications sent to your agency",
            "Maombi ya taasisi yako kwa hali, huduma na tarehe, muda wake dhidi ya siku zilizoahidiwa, tathmini za wananchi na majibu ambayo lango halikuweza kutumia.",
            "Your agency's applications by status, service and date, their time against the promised days, citizens' ratings and the answers the portal could not use.",
            "/agency/requests"));
        services.AddOfficerPolicy();
        services.AddSingleton<AgencyApplications>();
        services.AddSingleton<RatingStore>();
        services.AddSingleton<RatingValidator>();

        services.AddSingleton<RequestStore>();
        services.AddSingleton<StatusUpdates>();
        services.AddSingleton<ApplicationValidator>();
        services.AddSingleton<ServicePortal.Core.Requests.ICitizenApplications, CitizenApplications>(); // the helpdesk's read
        // The helpdesk's phone and address, said on an application that waits for the citizen (issue 11).
        services.AddPortalContact(builder.Configuration);
        // The portal speaking to an agency for a citizen: straight to the registered destination, never through a
        // proxy, never after a redirect (the citizen's Portal-Identity goes to that destination and nowhere else),
        // and only to public addresses outside Development, checked on every new connection.
        services.AddAgencyDestinations(builder.Configuration, builder.Environment);
        services.AddHttpClient<AgencyConnector>().ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(15),
            };
            sp.GetRequiredService<AgencyDestinations>().Guard(handler);
            return handler;
        });
        services.AddTransient<SubmissionJob>();
        services.AddTransient<StatusSyncJob>();
        services.AddTransient<RequestJobs>();

        // Hangfire on the portal's PostgreSQL (schema "hangfire", created by Hangfire itself at first start).
        // Hangfire keeps its storage, activator and log provider in process-wide statics; the host registers its
        // own instances first (AddHangfire only adds what is missing), so two hosts in one process (the tests
        // run several at once) never hand jobs to each other's database or to a disposed container.
        services.AddSingleton<JobStorage>(sp => new PostgreSqlStorage(
            new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>()),
            new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromSeconds(1),
                DistributedLockTimeout = TimeSpan.FromMinutes(1),
            }));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        // The module's pages (the SDK does not add a referenced Razor class library on its own).
        services.AddRazorPages().AddApplicationPart(typeof(RequestsModule).Assembly);

        var runJobs = builder.Configuration.GetValue("Requests:RunJobs", true);
        if (runJobs)
        {
            services.AddHangfireServer((sp, server) =>
            {
                server.WorkerCount = sp.GetRequiredService<IOptions<RequestsOptions>>().Value.Workers;
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                server.ServerTimeout = TimeSpan.FromMinutes(2);
            });
            services.AddHostedService<RecurringJobsRegistrar>();
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapRequestsModule(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapCitizenRequestsApi();
        endpoints.MapAgencyStatusApi();
        endpoints.MapAgencyRequestsApi();
        return endpoints;
    }
}
