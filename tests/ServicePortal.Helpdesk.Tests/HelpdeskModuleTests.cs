namespace ServicePortal.Helpdesk.Tests;

public sealed class HelpdeskModuleTests
{
    [Fact]
    public async Task Its_migrations_give_the_module_its_own_schema()
    {
        await using var database = await TestDatabase.CreateAsync();

        Assert.True(await database.HasSchemaAsync(HelpdeskModule.Schema));
        Assert.Equal("helpdesk", HelpdeskModule.Schema);
    }
}
