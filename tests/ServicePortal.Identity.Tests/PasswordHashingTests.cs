using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The suite hashes at a test cost (<see cref="PortalFactory.TestHashIterations"/>); these tests hold the production
/// cost and that a hash keeps its own count, so a cheaper or dearer setting still verifies older hashes.
/// </summary>
public sealed class PasswordHashingTests
{
    [Fact]
    public void By_default_a_password_is_hashed_with_PBKDF2_HMAC_SHA512_at_210000_iterations()
    {
        var hash = Convert.FromBase64String(new PasswordHashing(Options.Create(new IdentityOptions())).Hash("Mti-Mrefu-Wa-Mwembe"));

        // ASP.NET Core Identity format v3: marker 0x01, PRF (2 = HMAC-SHA512), iteration count, salt length, salt, subkey.
        Assert.Equal(0x01, hash[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1)));
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)));
    }

    [Fact]
    public void A_hash_made_at_another_cost_still_verifies_and_asks_to_be_rehashed()
    {
        var cheap = new PasswordHashing(Options.Create(new IdentityOptions { PasswordHashIterations = PortalFactory.TestHashIterations }));
        var production = new PasswordHashing(Options.Create(new IdentityOptions()));
        var hash = cheap.Hash("Mti-Mrefu-Wa-Mwembe");

        Assert.Equal(PasswordCheck.RightButRehash, production.Verify(hash, "Mti-Mrefu-Wa-Mwembe"));
        Assert.Equal(PasswordCheck.Wrong, production.Verify(hash, "Mti-Mfupi-Wa-Mwembe"));
        Assert.Equal(PasswordCheck.Right, cheap.Verify(hash, "Mti-Mrefu-Wa-Mwembe"));
    }
}
