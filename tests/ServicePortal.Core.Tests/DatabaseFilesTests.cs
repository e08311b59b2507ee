using ServicePortal.Core.Database;

namespace ServicePortal.Core.Tests;

/// <summary>
/// Files a node generates for its database (the demo client's secret) live with that database, so a second
/// portal on the same checkout (the identity benchmark, with a database of its own) never overwrites the
/// developer's and the running demo's secret keeps working.
/// </summary>
public sealed class DatabaseFilesTests
{
    private static readonly string Checkout = Path.Combine(Path.GetTempPath(), "checkout");

    [Fact]
    public void An_embedded_database_keeps_its_files_in_its_own_folder()
    {
        var developer = DatabaseFiles.For(Path.Combine(Checkout, ".data", "postgres"), "Host=127.0.0.1;Port=5433;Database=portal", Checkout);
        var benchmark = DatabaseFiles.For("/tmp/bench-1234/postgres", "Host=127.0.0.1;Port=5999;Database=portal", Checkout);

        Assert.Equal(Path.Combine(Checkout, ".data", "postgres"), developer.Directory);
        Assert.Equal("/tmp/bench-1234/postgres", benchmark.Directory);
    }

    [Fact]
    public void Configured_databases_each_get_a_folder_named_after_server_and_database()
    {
        var one = DatabaseFiles.For(null, "Host=db.example;Port=5432;Database=portal;Password=secret", Checkout);
        var other = DatabaseFiles.For(null, "Host=db.example;Port=5432;Database=portal_bench", Checkout);

        Assert.NotEqual(one.Directory, other.Directory);
        Assert.StartsWith(Path.Combine(Checkout, ".data", "databases"), one.Directory);
        Assert.DoesNotContain("secret", one.Directory);
        Assert.Equal("db.example_5432_portal", Path.GetFileName(one.Directory));
    }
}
