using Microsoft.Extensions.Options;
using ServicePortal.Identity.Registration;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Assisted recovery: where someone goes whose account cannot be recovered online (a staff account, or a lost
/// phone or authenticator app). The same page for every reason, so it tells nobody which one it was. The helpdesk
/// module does not exist yet: its phone and e-mail are settings (<see cref="RegistrationOptions.HelpdeskPhone"/>,
/// <see cref="RegistrationOptions.HelpdeskEmail"/>) with placeholder defaults.
/// </summary>
public sealed class RegisterAssistedRecoveryModel(IOptions<RegistrationOptions> options) : FormPageModel
{
    public string HelpdeskPhone => options.Value.HelpdeskPhone;

    public string HelpdeskEmail => options.Value.HelpdeskEmail;

    /// <summary>The number for a <c>tel:</c> link: digits and a leading plus only.</summary>
    public string PhoneLink => new([.. HelpdeskPhone.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0))]);

    public void OnGet()
    {
    }
}
