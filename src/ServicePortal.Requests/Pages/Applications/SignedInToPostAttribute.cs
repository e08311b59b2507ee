using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace ServicePortal.Requests.Pages.Applications;

/// <summary>
/// <c>[Authorize]</c> for a page's posts only: the page's GET decides for itself when to ask for sign-in (the apply page
/// first says 404 for a service that takes no applications). A post from nobody signed in is sent to sign in before
/// anything else runs, the antiforgery check included (that check runs at order 1000), so a citizen whose session ended
/// while filling in a form is asked to sign in again rather than shown a bare 400. After signing in they come back to
/// the page itself (its address without the handler: there is no GET of a handler to come back to).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class SignedInToPostAttribute : Attribute, IAsyncAuthorizationFilter, IOrderedFilter
{
    public int Order => 0;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return;
        }

        var result = await context.HttpContext.AuthenticateAsync();
        if (!result.Succeeded)
        {
            context.Result = new ChallengeResult(new AuthenticationProperties { RedirectUri = request.PathBase + request.Path });
        }
    }
}
