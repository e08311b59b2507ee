namespace ServicePortal.Gateway.Tests;

public sealed class GatewayModuleTests
{
    [Fact]
    public async Task Its_migrations_give_the_module_its_own_schema()
    {
        await using var database = await TestDatabase.CreateAsync();

        Assert.True(await database.HasSchemaAsync(GatewayModule.Schema));
        Assert.Equal("gateway", GatewayModule.Schema);
    }
}
