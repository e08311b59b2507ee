namespace ServicePortal.Catalog.Tests;

public sealed class CatalogModuleTests
{
    [Fact]
    public async Task Its_migrations_give_the_module_its_own_schema()
    {
        await using var database = await TestDatabase.CreateAsync();

        Assert.True(await database.HasSchemaAsync(CatalogModule.Schema));
        Assert.Equal("catalog", CatalogModule.Schema);
    }
}
