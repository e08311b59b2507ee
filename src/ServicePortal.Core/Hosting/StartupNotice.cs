namespace ServicePortal.Core.Hosting;

/// <summary>
/// A few lines a module wants a person starting the portal to read, such as demo accounts in Development.
/// Register one as a singleton; the host prints them all once it listens.
/// </summary>
public sealed record StartupNotice(string Title, IReadOnlyList<string> Lines);
