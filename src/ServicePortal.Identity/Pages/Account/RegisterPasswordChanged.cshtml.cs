namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// After a password reset: the confirmation, and the way to sign in. The reset itself signs nobody in. The page
/// holds nothing personal, so showing it to anyone who opens the address tells them nothing.
/// </summary>
public sealed class RegisterPasswordChangedModel : FormPageModel
{
    /// <summary>The sign-in link keeps where the person was going (a local address only).</summary>
    public string SignInQuery =>
        ReturnUrl is not null && Url.IsLocalUrl(ReturnUrl) && ReturnUrl.Length <= 4096 ? "?returnUrl=" + Uri.EscapeDataString(ReturnUrl) : "";

    public void OnGet()
    {
    }
}
