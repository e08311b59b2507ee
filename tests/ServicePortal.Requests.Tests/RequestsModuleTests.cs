namespace ServicePortal.Requests.Tests;

public sealed class RequestsModuleTests
{
    [Fact]
    public async Task Its_migrations_give_the_module_its_own_schema()
    {
        await using var database = await TestDatabase.CreateAsync();

        Assert.True(await database.HasSchemaAsync(RequestsModule.Schema));
        Assert.Equal("requests", RequestsModule.Schema);
    }
}
