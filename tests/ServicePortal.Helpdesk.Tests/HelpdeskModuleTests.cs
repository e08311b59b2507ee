using Npgsql;

namespace ServicePortal.Helpdesk.Tests;

public sealed class HelpdeskModuleTests
{
    [Fact]
    public async Task Its_migrations_give_the_module_its_own_schema()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = HelpdeskModule.Schema });

        Assert.Equal(1L, await command.ExecuteScalarAsync());
        Assert.Equal("helpdesk", HelpdeskModule.Schema);
    }
}
