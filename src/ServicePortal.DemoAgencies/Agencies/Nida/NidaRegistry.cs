namespace ServicePortal.DemoAgencies.Agencies.Nida;

/// <summary>A person as the registry knows them. The NIN's first 8 digits are the date of birth.</summary>
public sealed record RegisteredPerson(
    string Nin,
    string FirstName,
    string MiddleName,
    string LastName,
    DateOnly DateOfBirth,
    char Sex,
    string Phone,
    string MothersFirstName,
    string RegionOfBirth);

/// <summary>The demo registry: a fixed set of people, looked up by their normalised NIN (20 digits).</summary>
public sealed class NidaRegistry(IEnumerable<RegisteredPerson> people)
{
    private readonly Dictionary<string, RegisteredPerson> _byNin =
        people.ToDictionary(p => Normalise(p.Nin), StringComparer.Ordinal);

    public int Count => _byNin.Count;

    public RegisteredPerson? Find(string nin) => _byNin.GetValueOrDefault(Normalise(nin));

    private static string Normalise(string nin) => new(nin.Where(char.IsAsciiDigit).ToArray());

    /// <summary>
    /// Demo people. The first one already has a portal account in Development (see the README); the others
    /// can register. Phones are in the +255 70000000x range, which no real subscriber holds.
    /// </summary>
    public static IReadOnlyList<RegisteredPerson> SeededPeople { get; } =
    [
        new("19900415-11111-00001-23", "Amina", "Hassan", "Mwakyusa", new(1990, 4, 15), 'F', "+255700000001", "Zawadi", "Mbeya"),
        new("19851102-22222-00002-34", "Juma", "Bakari", "Said", new(1985, 11, 2), 'M', "+255700000002", "Mwanaisha", "Tanga"),
        new("19720630-33333-00003-45", "Neema", "John", "Massawe", new(1972, 6, 30), 'F', "+255700000003", "Elizabeth", "Kilimanjaro"),
        new("20010918-44444-00004-56", "Baraka", "Joseph", "Mushi", new(2001, 9, 18), 'M', "+255700000004", "Rehema", "Arusha"),
        new("19950227-55555-00005-67", "Fatuma", "Ali", "Mohamed", new(1995, 2, 27), 'F', "+255700000005", "Khadija", "Mjini Magharibi"),
        new("19680312-66666-00006-78", "Emmanuel", "Peter", "Kimaro", new(1968, 3, 12), 'M', "+255700000006", "Anna", "Dar es Salaam"),
        new("19991205-77777-00007-89", "Zuhura", "Salum", "Mrisho", new(1999, 12, 5), 'F', "+255700000007", "Mwajuma", "Morogoro"),
    ];
}
