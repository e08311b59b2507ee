using System.Globalization;
using ServicePortal.Core.Staff;

namespace ServicePortal.Core.Tests.Staff;

/// <summary>Who did something, from what the record keeps to what staff read; never an error for an unknown actor.</summary>
public sealed class ActorsTests
{
    private static readonly Guid Known = Guid.Parse("0b4f3c2e-8d7a-4e55-9a61-2f1c7d9e3b10");
    private static readonly Guid Gone = Guid.Parse("5a0e9f1d-3c2b-4a8e-b7d6-1e2f3a4b5c6d");

    private sealed class OneAdministrator : IStaffNames
    {
        public List<IReadOnlyCollection<Guid>> Asked { get; } = [];

        public Task<IReadOnlyDictionary<Guid, StaffName>> ListAsync(IReadOnlyCollection<Guid> accountIds, string? actingRole,
            CancellationToken cancellationToken)
        {
            Asked.Add(accountIds);
            IReadOnlyDictionary<Guid, StaffName> found = accountIds.Contains(Known)
                ? new Dictionary<Guid, StaffName> { [Known] = new(Known, "Emmanuel Kimaro", StaffRoles.DescribeInline(actingRole ?? "")) }
                : new Dictionary<Guid, StaffName>();
            return Task.FromResult(found);
        }
    }

    [Fact]
    public async Task Names_staff_in_one_lookup_and_says_who_else_acted_in_both_languages()
    {
        var names = new OneAdministrator();
        string[] actors = ["staff:" + Known, "staff:" + Gone, "staff:1", "agency:rita", "seed", "staff:" + Known];

        var sw = await In("sw", () => Actors.DescribeManyAsync([names], actors, StaffRoles.Administrator, CancellationToken.None));
        var en = await In("en", () => Actors.DescribeManyAsync([names], actors, StaffRoles.Administrator, CancellationToken.None));

        Assert.Equal("Emmanuel Kimaro, msimamizi wa lango (e-GA)", sw["staff:" + Known]);
        Assert.Equal("Emmanuel Kimaro, portal administrator (e-GA)", en["staff:" + Known]);
        Assert.Equal($"mtumishi (namba {Gone})", sw["staff:" + Gone]);
        Assert.Equal($"staff member ({Gone})", en["staff:" + Gone]);
        Assert.Equal("mtumishi (namba 1)", sw["staff:1"]);
        Assert.Equal("taasisi RITA (kupitia mfumo wake)", sw["agency:rita"]);
        Assert.Equal("the portal's demo data", en["seed"]);
        Assert.All(names.Asked, ids => Assert.Equal([Known, Gone], ids.Order()));
    }

    [Fact]
    public async Task Without_a_staff_directory_staff_are_shown_by_id()
    {
        var words = await In("en", () => Actors.DescribeManyAsync([], ["staff:" + Known], null, CancellationToken.None));

        Assert.Equal($"staff member ({Known})", words["staff:" + Known]);
    }

    [Theory]
    [InlineData("agency_officer:rita", "RITA", "afisa wa RITA", "RITA officer")]
    [InlineData("helpdesk_supervisor", null, "msimamizi wa dawati la msaada", "helpdesk supervisor")]
    [InlineData("helpdesk_agent", null, "mhudumu wa dawati la msaada", "helpdesk agent")]
    [InlineData("agency_system:rita", null, "mfumo wa RITA", "RITA's system")]
    public async Task Roles_read_in_the_middle_of_a_sentence(string claim, string? shortName, string sw, string en)
    {
        Assert.Equal(sw, await In("sw", () => Task.FromResult(StaffRoles.DescribeInline(claim, shortName))));
        Assert.Equal(en, await In("en", () => Task.FromResult(StaffRoles.DescribeInline(claim, shortName))));
    }

    [Fact]
    public async Task An_agency_system_in_the_access_log_is_named_as_that_agencys_system_not_as_its_code()
    {
        var role = StaffRoles.AgencySystemOf("rita");

        Assert.Equal("agency_system:rita", role);
        Assert.Equal("Mfumo wa RITA", await In("sw", () => Task.FromResult(StaffRoles.Describe(role))));
        Assert.Equal("RITA's system", await In("en", () => Task.FromResult(StaffRoles.Describe(role))));
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("abc", 1)]
    [InlineData("0", 1)]
    [InlineData("-2", 1)]
    [InlineData("2", 2)]
    [InlineData("99", 3)]
    public void A_page_number_that_is_not_one_shows_the_nearest_page(string? asked, int shown)
    {
        var page = ListPage.Of(asked, 25, 51);

        Assert.Equal(shown, page.Number);
        Assert.Equal(3, page.Last);
        Assert.Equal((shown - 1) * 25, page.Skip);
    }

    private static async Task<T> In<T>(string language, Func<Task<T>> read)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(language);
        try
        {
            return await read();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
