namespace ServicePortal.DemoAgencies.Agencies.Nida;

/// <summary>
/// A person as the registry knows them. The NIN's first 8 digits are the date of birth. <paramref name="Phones"/>
/// are the mobile numbers registered to the NIN: SIM registration in Tanzania is biometric and bound to the NIN, so
/// the registry knows every number a person holds (most people one to three).
/// </summary>
public sealed record RegisteredPerson(
    string Nin,
    string FirstName,
    string MiddleName,
    string LastName,
    DateOnly DateOfBirth,
    char Sex,
    IReadOnlyList<string> Phones,
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
    /// Demo people. Some already have a portal account in Development (see the README), with the first of their
    /// numbers; the others can register. Phones are in the +255 700 000 0xx range, which no real subscriber holds,
    /// and a person's numbers end in the digit of their NIN's second group (Amina: 001, 011).
    /// </summary>
    public static IReadOnlyList<RegisteredPerson> SeededPeople { get; } =
    [
        new("19900415-11111-00001-23", "Amina", "Hassan", "Mwakyusa", new(1990, 4, 15), 'F', ["+255700000001", "+255700000011"], "Zawadi", "Mbeya"),
        new("19851102-22222-00002-34", "Juma", "Bakari", "Said", new(1985, 11, 2), 'M', ["+255700000002"], "Mwanaisha", "Tanga"),
        new("19720630-33333-00003-45", "Neema", "John", "Massawe", new(1972, 6, 30), 'F', ["+255700000003", "+255700000013", "+255700000023"], "Elizabeth", "Kilimanjaro"),
        new("20010918-44444-00004-56", "Baraka", "Joseph", "Mushi", new(2001, 9, 18), 'M', ["+255700000004", "+255700000014"], "Rehema", "Arusha"),
        new("19950227-55555-00005-67", "Fatuma", "Ali", "Mohamed", new(1995, 2, 27), 'F', ["+255700000005"], "Khadija", "Mjini Magharibi"),
        new("19680312-66666-00006-78", "Emmanuel", "Peter", "Kimaro", new(1968, 3, 12), 'M', ["+255700000006", "+255700000016"], "Anna", "Dar es Salaam"),
        new("19991205-77777-00007-89", "Zuhura", "Salum", "Mrisho", new(1999, 12, 5), 'F', ["+255700000007", "+255700000017", "+255700000027"], "Mwajuma", "Morogoro"),
    ];
}
