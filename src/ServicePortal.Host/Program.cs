using ServicePortal.Host;

// The host only composes: see PortalHost for the order of things.
return await PortalHost.RunAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
