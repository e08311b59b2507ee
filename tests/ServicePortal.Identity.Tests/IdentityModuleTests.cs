namespace ServicePortal.Identity.Tests;

public sealed class IdentityModuleTests
{
    [Fact]
    public async Task Its_migrations_give_the_module_its_own_schema()
    {
        await using var database = await TestDatabase.CreateAsync();

        Assert.True(await database.HasSchemaAsync(IdentityModule.Schema));
        Assert.Equal("identity", IdentityModule.Schema);
    }
}
