namespace ServicePortal.Identity.Registry;

/// <summary>
/// The 31 regions of Tanzania (26 on the mainland, 5 in Zanzibar), by their Kiswahili names as the national ID
/// registry writes them ("Mjini Magharibi", "Pwani", "Kaskazini Pemba"). The registry's question "in which region were
/// you born?" is answered by choosing one of them: a typed answer ("Zanzibar", "Dar") cost a try for a spelling, and
/// a value that is not in this list is refused on the page without asking the registry (no try is spent).
/// </summary>
public static class TanzaniaRegions
{
    public static IReadOnlyList<string> All { get; } =
    [
        "Arusha", "Dar es Salaam", "Dodoma", "Geita", "Iringa", "Kagera", "Kaskazini Pemba", "Kaskazini Unguja", "Katavi",
        "Kigoma", "Kilimanjaro", "Kusini Pemba", "Kusini Unguja", "Lindi", "Manyara", "Mara", "Mbeya", "Mjini Magharibi",
        "Morogoro", "Mtwara", "Mwanza", "Njombe", "Pwani", "Rukwa", "Ruvuma", "Shinyanga", "Simiyu", "Singida", "Songwe",
        "Tabora", "Tanga",
    ];

    /// <summary>Whether <paramref name="value"/> is one of the regions, exactly as the list writes it.</summary>
    public static bool Contains(string? value) => value is not null && All.Contains(value, StringComparer.Ordinal);
}
