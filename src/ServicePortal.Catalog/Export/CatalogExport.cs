using System.Globalization;
using System.Text.Json.Nodes;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Export;

/// <summary>
/// The whole published catalogue as CPSV-AP (3.x) JSON-LD: public services (<c>cpsv:PublicService</c>), their
/// competent authorities (<c>cv:PublicOrganisation</c>), life events (<c>cv:LifeEvent</c>) and thematic areas
/// (<c>skos:Concept</c>). Nodes are named by stable URNs (<c>urn:serviceportal:service:rita-birth-certificate</c>)
/// rather than by addresses on a domain this deployment may not own. Texts are language-tagged values.
/// </summary>
internal sealed class CatalogExport(CatalogReader reader)
{
    public const string MediaType = "application/ld+json";

    public static JsonObject Context() => new()
    {
        ["cpsv"] = "http://purl.org/vocab/cpsv#",
        ["cv"] = "http://data.europa.eu/m8g/",
        ["dct"] = "http://purl.org/dc/terms/",
        ["dcat"] = "http://www.w3.org/ns/dcat#",
        ["skos"] = "http://www.w3.org/2004/02/skos/core#",
        ["foaf"] = "http://xmlns.com/foaf/0.1/",
        ["eli"] = "http://data.europa.eu/eli/ontology#",
        ["schema"] = "https://schema.org/",
        ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
    };

    public static string ServiceId(string code) => "urn:serviceportal:service:" + code;
    public static string AgencyId(string code) => "urn:serviceportal:agency:" + code;
    public static string LifeEventId(string code) => "urn:serviceportal:life-event:" + code;
    public static string CategoryId(string code) => "urn:serviceportal:category:" + code;

    public async Task<JsonObject> BuildAsync(CancellationToken cancellationToken)
    {
        var services = await reader.ListAllServicesAsync(cancellationToken);
        var agencies = await reader.ListAgenciesAsync(cancellationToken);
        var lifeEvents = await reader.ListLifeEventsAsync(cancellationToken);
        var categories = await reader.ListCategoriesAsync(cancellationToken);

        var graph = new JsonArray();
        foreach (var agency in agencies)
        {
            var node = new JsonObject
            {
                ["@id"] = AgencyId(agency.Code),
                ["@type"] = "cv:PublicOrganisation",
                ["dct:identifier"] = agency.Code,
                ["skos:prefLabel"] = Texts(agency.Name),
                ["skos:altLabel"] = agency.ShortName,
            };
            if (!agency.Description.IsEmpty)
            {
                node["dct:description"] = Texts(agency.Description);
            }

            if (agency.Website is not null)
            {
                node["foaf:homepage"] = new JsonObject { ["@id"] = agency.Website };
            }

            graph.Add(node);
        }

        foreach (var lifeEvent in lifeEvents)
        {
            graph.Add(new JsonObject
            {
                ["@id"] = LifeEventId(lifeEvent.Code),
                ["@type"] = "cv:LifeEvent",
                ["dct:identifier"] = lifeEvent.Code,
                ["dct:title"] = Texts(lifeEvent.Name),
            });
        }

        foreach (var category in categories)
        {
            graph.Add(new JsonObject
            {
                ["@id"] = CategoryId(category.Code),
                ["@type"] = "skos:Concept",
                ["skos:notation"] = category.Code,
                ["skos:prefLabel"] = Texts(category.Name),
            });
        }

        foreach (var service in services)
        {
            graph.Add(Service(service));
        }

        return new JsonObject
        {
            ["@context"] = Context(),
            ["@graph"] = graph,
        };
    }

    private static JsonObject Service(ServiceDetail service)
    {
        var node = new JsonObject
        {
            ["@id"] = ServiceId(service.Code),
            ["@type"] = "cpsv:PublicService",
            ["dct:identifier"] = service.Code,
            ["dct:title"] = Texts(service.Name),
            ["dct:description"] = Texts(service.Description.IsEmpty ? service.Summary : service.Description),
            ["cv:hasCompetentAuthority"] = new JsonObject { ["@id"] = AgencyId(service.Agency.Code) },
            ["cv:thematicArea"] = new JsonObject { ["@id"] = CategoryId(service.Category.Code) },
            ["cv:hasChannel"] = new JsonArray([.. service.Channels.Select(channel => (JsonNode)new JsonObject
            {
                ["@type"] = "cv:Channel",
                ["dct:identifier"] = channel,
                ["dct:description"] = Texts(Channel.Describe(channel)),
            })]),
        };

        var cost = new JsonObject { ["@type"] = "cv:Cost" };
        if (service.Cost.AmountTzs is { } amount)
        {
            cost["cv:value"] = new JsonObject
            {
                ["@value"] = amount.ToString(CultureInfo.InvariantCulture),
                ["@type"] = "xsd:decimal",
            };
            cost["cv:currency"] = new JsonObject { ["@id"] = "http://publications.europa.eu/resource/authority/currency/TZS" };
        }

        if (service.Cost.Note is { } note)
        {
            cost["dct:description"] = Texts(note);
        }

        node["cv:hasCost"] = new JsonArray(cost);

        if (service.ProcessingTime.Iso8601 is { } duration)
        {
            node["cv:processingTime"] = new JsonObject { ["@value"] = duration, ["@type"] = "xsd:duration" };
        }

        if (service.Eligibility.Count > 0)
        {
            node["cv:hasCriterion"] = new JsonArray([.. service.Eligibility.Select(c => (JsonNode)new JsonObject
            {
                ["@type"] = "cv:CriterionRequirement",
                ["dct:title"] = Texts(c),
            })]);
        }

        if (service.Evidence.Count > 0)
        {
            node["cpsv:hasInput"] = new JsonArray([.. service.Evidence.Select(e => (JsonNode)new JsonObject
            {
                ["@type"] = "cv:Evidence",
                ["dct:title"] = Texts(e),
            })]);
        }

        if (!service.Output.IsEmpty)
        {
            node["cpsv:produces"] = new JsonArray(new JsonObject { ["@type"] = "cv:Output", ["dct:title"] = Texts(service.Output) });
        }

        if (service.LegalBasis.Count > 0)
        {
            node["cv:hasLegalResource"] = new JsonArray([.. service.LegalBasis.Select(l => (JsonNode)new JsonObject
            {
                ["@type"] = "eli:LegalResource",
                ["dct:title"] = Texts(l),
            })]);
        }

        if (service.LifeEvents.Count > 0)
        {
            node["cv:isGroupedBy"] = new JsonArray([.. service.LifeEvents.Select(e => (JsonNode)new JsonObject
            {
                ["@id"] = LifeEventId(e.Code),
            })]);
        }

        var keywords = service.Keywords.Sw.Select(k => Text(k, "sw")).Concat(service.Keywords.En.Select(k => Text(k, "en")));
        node["dcat:keyword"] = new JsonArray([.. keywords]);
        node["dct:modified"] = new JsonObject
        {
            ["@value"] = service.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            ["@type"] = "xsd:dateTime",
        };
        return node;
    }

    private static JsonArray Texts(Bilingual text) => new(Text(text.Sw, "sw"), Text(text.En, "en"));

    private static JsonNode Text(string value, string language) => new JsonObject { ["@value"] = value, ["@language"] = language };
}
