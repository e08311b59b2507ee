using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Host.Pages.Dev;

/// <summary>The Development message viewer (see <see cref="Web.DevelopmentMessages"/>); 404 elsewhere.</summary>
public sealed class MessagesModel(NpgsqlDataSource dataSource, IHostEnvironment environment, IServiceProvider services) : PageModel
{
    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }

        Messages = await Web.DevelopmentMessages.ListRecentAsync(dataSource, services, 50, cancellationToken);
        return Page();
    }
}
