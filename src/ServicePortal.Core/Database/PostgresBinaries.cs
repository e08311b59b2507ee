using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Database;

/// <summary>
/// Finds the PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>) on this machine:
/// <c>PORTAL_PG_BIN</c> if set, else the newest <c>/usr/lib/postgresql/*/bin</c> (Debian and Ubuntu), else
/// the folder <c>pg_ctl</c> really lives in when it is on the PATH.
/// </summary>
internal sealed record PostgresBinaries(string Directory)
{
    public const string InstallHint =
        "PostgreSQL server programs (initdb, pg_ctl) were not found. Install them with " +
        "'sudo apt-get install -y postgresql' (Debian/Ubuntu), or set PORTAL_PG_BIN to their folder, " +
        "or point the portal at an existing server with ConnectionStrings__Portal, or run 'docker compose up'.";

    public string InitDb => Path.Combine(Directory, "initdb");
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public static PostgresBinaries Find(string? explicitDir = null) =>
        TryFind(explicitDir) ?? throw new PortalStartupException(InstallHint);

    public static PostgresBinaries? TryFind(string? explicitDir = null)
    {
        explicitDir ??= Environment.GetEnvironmentVariable("PORTAL_PG_BIN");
        if (!string.IsNullOrWhiteSpace(explicitDir))
        {
            return IsComplete(explicitDir) ? new PostgresBinaries(explicitDir) : null;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            var newest = System.IO.Directory.GetDirectories(debianRoot)
                .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .OrderByDescending(x => x.version)
                .Select(x => Path.Combine(x.dir, "bin"))
                .FirstOrDefault(IsComplete);
            if (newest is not null)
            {
                return new PostgresBinaries(newest);
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var pgCtl = Path.Combine(dir, "pg_ctl");
            if (!File.Exists(pgCtl))
            {
                continue;
            }

            // pg_ctl finds postgres beside its real location, so follow a symbolic link to it.
            var real = new FileInfo(pgCtl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? pgCtl;
            var realDir = Path.GetDirectoryName(real)!;
            if (IsComplete(realDir))
            {
                return new PostgresBinaries(realDir);
            }
        }

        return null;
    }

    private static bool IsComplete(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) &&
        File.Exists(Path.Combine(dir, "pg_ctl")) &&
        File.Exists(Path.Combine(dir, "postgres"));
}
