using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;
using ServicePortal.Core.Localization;

namespace ServicePortal.Host.Web;

/// <summary>The link that shows the same page in the other language: a plain link, no script needed.</summary>
public static class LanguageSwitch
{
    public static string Href(HttpRequest request, string language)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(pair => !string.Equals(pair.Key, Lang.QueryKey, StringComparison.OrdinalIgnoreCase));
        var builder = new QueryBuilder(query.SelectMany(pair => pair.Value.Select(v => KeyValuePair.Create(pair.Key, v ?? ""))))
        {
            { Lang.QueryKey, language },
        };
        return request.PathBase + request.Path + builder.ToQueryString();
    }
}
