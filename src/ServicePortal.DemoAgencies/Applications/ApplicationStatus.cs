namespace ServicePortal.DemoAgencies.Applications;

/// <summary>
/// The agency's own words for where an application is (on the wire in snake_case). They are deliberately not the
/// portal's canonical statuses: the portal maps them (docs/agency-integration.md), as it must for real agencies.
/// </summary>
public enum ApplicationStatus
{
    Received,
    UnderReview,
    NeedsCorrection,
    PaymentPending,
    Approved,
    Rejected,
    Issued,

    /// <summary>In the vocabulary, but the demo lifecycle never reaches it (the contract has no withdraw call yet).</summary>
    Withdrawn,
}

/// <summary>
/// The path an application takes, decided once from its portal reference so that a demo or a test gives the same
/// story every time: about 20% are asked for a correction, about 10% are rejected, and applications for paid
/// services wait for payment before approval. Each entry of a path is one step of <c>DemoAgencies:LifecycleStep</c>.
/// </summary>
public static class ApplicationLifecycle
{
    public static string WireName(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Received => "received",
        ApplicationStatus.UnderReview => "under_review",
        ApplicationStatus.NeedsCorrection => "needs_correction",
        ApplicationStatus.PaymentPending => "payment_pending",
        ApplicationStatus.Approved => "approved",
        ApplicationStatus.Rejected => "rejected",
        ApplicationStatus.Issued => "issued",
        ApplicationStatus.Withdrawn => "withdrawn",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    // The handful of possible paths, shared by every application that takes them (no array per application).
    private static readonly ApplicationStatus[][] Paths = BuildPaths();

    /// <summary>The path for this portal reference, for a free or a paid service.</summary>
    public static IReadOnlyList<ApplicationStatus> PathFor(string portalReference, bool paid)
    {
        ArgumentNullException.ThrowIfNull(portalReference);
        var (correction, rejected) = Decide(portalReference);
        return Paths[Index(correction, paid, rejected)];
    }

    /// <summary>
    /// Two independent draws from a SHA-256 of the reference (not <see cref="string.GetHashCode()"/>, which differs
    /// from one process to the next).
    /// </summary>
    internal static (bool Correction, bool Rejected) Decide(string portalReference)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(portalReference), hash);
        var first = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(hash);
        var second = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(hash[4..]);
        return (first % 100 < 20, second % 100 < 10);
    }

    private static int Index(bool correction, bool paid, bool rejected) =>
        (correction ? 4 : 0) + (paid ? 2 : 0) + (rejected ? 1 : 0);

    private static ApplicationStatus[][] BuildPaths()
    {
        var paths = new ApplicationStatus[8][];
        foreach (var correction in new[] { false, true })
        {
            foreach (var paid in new[] { false, true })
            {
                foreach (var rejected in new[] { false, true })
                {
                    var path = new List<ApplicationStatus> { ApplicationStatus.Received, ApplicationStatus.UnderReview };
                    if (correction)
                    {
                        // Back to review one step later, as if the citizen had corrected it.
                        path.Add(ApplicationStatus.NeedsCorrection);
                        path.Add(ApplicationStatus.UnderReview);
                    }

                    if (rejected)
                    {
                        // Refused on review: nobody is asked to pay for an application that will not be granted.
                        path.Add(ApplicationStatus.Rejected);
                    }
                    else
                    {
                        if (paid)
                        {
                            path.Add(ApplicationStatus.PaymentPending);
                        }

                        path.Add(ApplicationStatus.Approved);
                        path.Add(ApplicationStatus.Issued);
                    }

                    paths[Index(correction, paid, rejected)] = [.. path];
                }
            }
        }

        return paths;
    }
}
