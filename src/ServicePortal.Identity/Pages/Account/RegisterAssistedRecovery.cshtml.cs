using Microsoft.Extensions.Options;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Assisted recovery: where someone goes whose account cannot be recovered online (a staff account, or a lost
/// phone or authenticator app). The same page for every reason, so it tells nobody which one it was. The helpdesk
/// module does not exist yet: its phone and e-mail are the portal's one contact setting (<see cref="PortalContact"/>).
/// </summary>
public sealed class RegisterAssistedRecoveryModel(IOptions<PortalContact> contact) : FormPageModel
{
    public string HelpdeskPhone => contact.Value.HelpdeskPhone;

    public string HelpdeskEmail => contact.Value.HelpdeskEmail;

    public string PhoneLink => contact.Value.PhoneLink;

    public void OnGet()
    {
    }
}
