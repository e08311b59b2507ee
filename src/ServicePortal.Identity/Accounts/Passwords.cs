using System.Reflection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Accounts;

/// <summary>
/// Hashes passwords with PBKDF2-HMAC-SHA512 (ASP.NET Core Identity's format v3, which records its own
/// iteration count, so raising the count later still verifies old hashes and re-hashes them on sign-in).
/// Deliberately slow: see docs/benchmarks.md for what it costs per sign-in.
/// </summary>
public sealed class PasswordHashing(IOptions<IdentityOptions> options)
{
    private readonly PasswordHasher<Account> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = options.Value.PasswordHashIterations,
    }));

    // A real hash of a random password, verified when the NIN is unknown, so that an unknown NIN and a wrong
    // password take the same time and nobody can learn who has an account by timing the answer.
    private readonly Lazy<string> _decoy = new(() => new PasswordHasher<Account>(Options.Create(new PasswordHasherOptions
    {
        IterationCount = options.Value.PasswordHashIterations,
    })).HashPassword(null!, Guid.NewGuid().ToString()));

    private long _verifications;

    /// <summary>
    /// How many hashes this node has verified: sign-in must verify one on every path (unknown NIN, locked, wrong,
    /// right) so that none answers faster than another; the tests count on it.
    /// </summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordCheck Verify(string? hash, string password)
    {
        Interlocked.Increment(ref _verifications);
        var result = _hasher.VerifyHashedPassword(null!, hash ?? _decoy.Value, password);
        return hash is null ? PasswordCheck.Wrong : result switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightButRehash,
            _ => PasswordCheck.Wrong,
        };
    }
}

public enum PasswordCheck
{
    Wrong,
    Right,
    RightButRehash,
}

/// <summary>
/// What a new password must be (NIST SP 800-63B): long enough, not one of the passwords everyone tries first,
/// not the person's own NIN, phone or name. No rules about character classes: length is what protects.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 128; // a bound on the work a hash can be asked to do

    private static readonly HashSet<string> Common = LoadCommon();

    /// <summary>The reason the password is refused, in the current language, or null when it is fine.</summary>
    public static string? Check(string? password, string nin, string phone, params string?[] names)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            return T($"Nenosiri liwe na herufi {MinimumLength} au zaidi.", $"The password must have {MinimumLength} characters or more.");
        }

        if (password.Length > MaximumLength)
        {
            return T($"Nenosiri lisizidi herufi {MaximumLength}.", $"The password must not be longer than {MaximumLength} characters.");
        }

        var lower = password.ToLowerInvariant();
        var digitsOnly = new string(password.Where(char.IsAsciiDigit).ToArray());
        if (Common.Contains(lower) || IsRepetitive(lower))
        {
            return T("Nenosiri hili linatumiwa na watu wengi na ni rahisi kubahatisha. Chagua jingine.",
                "This password is used by many people and is easy to guess. Choose another.");
        }

        if ((digitsOnly.Length >= 8 && (nin.Contains(digitsOnly, StringComparison.Ordinal) || digitsOnly.Contains(nin[..8], StringComparison.Ordinal))) ||
            (digitsOnly.Length >= 9 && phone.EndsWith(digitsOnly[^9..], StringComparison.Ordinal)))
        {
            return T("Nenosiri lisiwe na NIN yako, tarehe yako ya kuzaliwa au namba yako ya simu.",
                "The password must not contain your NIN, your date of birth or your phone number.");
        }

        if (names.Any(name => name is { Length: >= 3 } && lower.Contains(name.ToLowerInvariant(), StringComparison.Ordinal)) &&
            lower.Length < MinimumLength + 6)
        {
            return T("Nenosiri lisiwe jina lako. Ongeza maneno mengine au chagua jingine.",
                "The password must not be your name. Add other words or choose another.");
        }

        return null;
    }

    private static bool IsRepetitive(string password) =>
        password.Distinct().Count() <= 3 || "0123456789abcdefghijklmnopqrstuvwxyz".Contains(password, StringComparison.Ordinal) ||
        "qwertyuiopasdfghjklzxcvbnm".Contains(password, StringComparison.Ordinal);

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ServicePortal.Identity.Accounts.common-passwords.txt")!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
