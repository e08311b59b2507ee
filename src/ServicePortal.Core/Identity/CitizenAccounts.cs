namespace ServicePortal.Core.Identity;

/// <summary>
/// A citizen's account as the helpdesk sees it on a case: who they are and how to reach them, shown masked where
/// the agent does not need it in full (<see cref="MaskedPhone"/>, <see cref="Nin"/>'s <c>Masked</c>).
/// </summary>
public sealed record CitizenAccount(Guid AccountId, string FullName, NationalIdNumber Nin, string Phone, string? Email,
    string Language, DateTime CreatedAt, bool Locked)
{
    /// <summary><c>+255 7** *** 001</c>: the last three digits, enough to confirm with the caller.</summary>
    public string MaskedPhone => PhoneNumber.Mask(Phone);

    /// <summary><c>a****@mail.tz</c>, or null.</summary>
    public string? MaskedEmail => Email is null ? null
        : Email.IndexOf('@', StringComparison.Ordinal) is var at and > 0 ? Email[..1] + "****" + Email[at..] : "****";
}

/// <summary>
/// Finding a citizen's account for staff (the helpdesk's find and case screens). Implemented by the Identity module,
/// which owns the accounts; the caller writes the access log (it knows who asked and why).
/// </summary>
public interface ICitizenAccounts
{
    Task<CitizenAccount?> FindByIdAsync(Guid accountId, CancellationToken cancellationToken);

    Task<CitizenAccount?> FindByNinAsync(NationalIdNumber nin, CancellationToken cancellationToken);

    /// <summary>The accounts registered with this phone (normalised, <c>+2557…</c>); a phone may be shared, so a few.</summary>
    Task<IReadOnlyList<CitizenAccount>> FindByPhoneAsync(string phone, CancellationToken cancellationToken);
}
