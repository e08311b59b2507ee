namespace ServicePortal.Core.Hosting;

/// <summary>
/// Where a portal run on one machine keeps its local files (the embedded database, Development-only
/// generated credentials): <c>.data/</c> at the top of the source tree when run from it (git-ignored), else
/// beside the application.
/// </summary>
public static class LocalData
{
    public static string Directory(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServicePortal.sln")))
            {
                return Path.Combine(dir.FullName, ".data");
            }
        }

        return Path.Combine(contentRoot, ".data");
    }
}
