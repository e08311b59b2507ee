using System.Globalization;

namespace ServicePortal.Core.Audit;

/// <summary>
/// The <c>verify-audit</c> command's work: every module's chains checked, one line each, the first break named.
/// Exit codes: 0 every chain intact, 2 a chain is broken (1 stays the host's "cannot start").
/// </summary>
public static class AuditVerification
{
    public const int Intact = 0;
    public const int Broken = 2;

    public static async Task<int> RunAsync(IEnumerable<IAuditChainVerifier> verifiers, TextWriter output, TextWriter errors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var exitCode = Intact;
        foreach (var verifier in verifiers)
        {
            var report = await verifier.VerifyAsync(cancellationToken);
            if (report.FirstBreak is { } broken)
            {
                await errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"BROKEN {report.Table}: first broken row: {broken.Row}: {broken.Problem}"));
                exitCode = Broken;
            }
            else
            {
                var unchained = report.Unchained == 0
                    ? ""
                    : string.Create(CultureInfo.InvariantCulture, $", {report.Unchained} older rows written before the chain began");
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"OK {report.Table}: {report.Rows} rows in {report.Days} daily chains{unchained}"));
            }
        }

        return exitCode;
    }
}
