using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Identity.Passkeys;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The refusals of a passkey sign-in, with answers crafted by a software authenticator (P-256, as a phone's is) against
/// the real service and PostgreSQL: the configured origin only, each challenge once and only by the sign-in it was
/// given to, and a signature counter that never goes back.
/// </summary>
public sealed class PasskeyCheckTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    // The tests' portal is https://localhost/ (PortalFactory.TestServerIssuer): its relying party id and origin by default.
    private const string Origin = "https://localhost";
    private const string RpId = "localhost";

    [Fact]
    public async Task A_right_answer_is_accepted_once_and_the_same_answer_again_is_refused()
    {
        var (accountId, key) = await AccountWithPasskeyAsync(signCount: 0);
        var binding = NewBinding();
        var options = (await Service.SignInOptionsAsync(accountId, binding, CancellationToken.None))!;
        var answer = key.Answer(options, Origin, RpId, counter: 1, accountId);

        Assert.IsType<PasskeyResult.Right>(await Service.CheckAsync(accountId, binding, answer, CancellationToken.None));
        Assert.Equal(1, await portal.ScalarAsync<long>("SELECT sign_count FROM identity.passkeys WHERE account_id = @accountId", new { accountId }));

        // Replayed: its challenge was spent.
        Assert.IsType<PasskeyResult.Refused>(await Service.CheckAsync(accountId, binding, answer, CancellationToken.None));
        // Replayed into a new challenge of the same sign-in: the signed challenge is the old one.
        await Service.SignInOptionsAsync(accountId, binding, CancellationToken.None);
        Assert.IsType<PasskeyResult.Refused>(await Service.CheckAsync(accountId, binding, answer, CancellationToken.None));
    }

    [Fact]
    public async Task An_answer_from_another_origin_is_refused()
    {
        var (accountId, key) = await AccountWithPasskeyAsync(signCount: 0);
        var binding = NewBinding();
        var options = (await Service.SignInOptionsAsync(accountId, binding, CancellationToken.None))!;

        var refused = await Service.CheckAsync(accountId, binding, key.Answer(options, "https://lango-la-huduma.example", RpId, 1, accountId), CancellationToken.None);

        Assert.IsType<PasskeyResult.Refused>(refused);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.passkeys WHERE account_id = @accountId AND last_used_at IS NOT NULL", new { accountId }));
    }

    [Fact]
    public async Task An_answer_for_another_relying_party_is_refused()
    {
        var (accountId, key) = await AccountWithPasskeyAsync(signCount: 0);
        var binding = NewBinding();
        var options = (await Service.SignInOptionsAsync(accountId, binding, CancellationToken.None))!;

        Assert.IsType<PasskeyResult.Refused>(
            await Service.CheckAsync(accountId, binding, key.Answer(options, Origin, "evil.example", 1, accountId), CancellationToken.None));
    }

    [Fact]
    public async Task A_challenge_answers_only_the_sign_in_it_was_given_to()
    {
        var (accountId, key) = await AccountWithPasskeyAsync(signCount: 0);
        var options = (await Service.SignInOptionsAsync(accountId, NewBinding(), CancellationToken.None))!;

        Assert.IsType<PasskeyResult.Refused>(
            await Service.CheckAsync(accountId, NewBinding(), key.Answer(options, Origin, RpId, 1, accountId), CancellationToken.None));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(0)]
    public async Task A_signature_counter_that_does_not_move_forward_is_refused(uint counter)
    {
        var (accountId, key) = await AccountWithPasskeyAsync(signCount: 10);
        var binding = NewBinding();
        var options = (await Service.SignInOptionsAsync(accountId, binding, CancellationToken.None))!;

        Assert.IsType<PasskeyResult.Refused>(
            await Service.CheckAsync(accountId, binding, key.Answer(options, Origin, RpId, counter, accountId), CancellationToken.None));
        Assert.Equal(10, await portal.ScalarAsync<long>("SELECT sign_count FROM identity.passkeys WHERE account_id = @accountId", new { accountId }));
    }

    [Fact]
    public async Task Garbage_is_refused_without_an_exception()
    {
        var (accountId, _) = await AccountWithPasskeyAsync(signCount: 0);
        foreach (var garbage in new[] { "", "{", "{}", "null", "[1,2]", "{\"id\":\"x\",\"rawId\":\"!!\",\"type\":\"public-key\"}", new string('a', 40_000) })
        {
            var binding = NewBinding();
            await Service.SignInOptionsAsync(accountId, binding, CancellationToken.None);
            Assert.IsType<PasskeyResult.Refused>(await Service.CheckAsync(accountId, binding, garbage, CancellationToken.None));
        }
    }

    private PasskeyService Service => portal.Services.GetRequiredService<PasskeyService>();

    private static string NewBinding() => "pending:" + Guid.NewGuid().ToString("N");

    private async Task<(Guid AccountId, SoftAuthenticator Key)> AccountWithPasskeyAsync(long signCount)
    {
        var (nin, _) = await portal.CreateAccountAsync();
        var accountId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var key = new SoftAuthenticator();
        await portal.ExecuteAsync(
            """
            INSERT INTO identity.passkeys (credential_id, account_id, public_key, sign_count, user_handle, name, created_at)
            VALUES (@id, @accountId, @publicKey, @signCount, @handle, 'Simu', now())
            """, new { id = key.CredentialId, accountId, publicKey = key.CosePublicKey(), signCount, handle = accountId.ToByteArray() });
        return (accountId, key);
    }

    /// <summary>A passkey in software: what a phone's authenticator signs, with the origin, relying party and counter chosen.</summary>
    private sealed class SoftAuthenticator
    {
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

        public byte[] CosePublicKey()
        {
            var point = _key.ExportParameters(false).Q;
            var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
            writer.WriteStartMap(5);
            writer.WriteInt32(1); writer.WriteInt32(2); // kty: EC2
            writer.WriteInt32(3); writer.WriteInt32(-7); // alg: ES256
            writer.WriteInt32(-1); writer.WriteInt32(1); // crv: P-256
            writer.WriteInt32(-2); writer.WriteByteString(point.X!);
            writer.WriteInt32(-3); writer.WriteByteString(point.Y!);
            writer.WriteEndMap();
            return writer.Encode();
        }

        public string Answer(string optionsJson, string origin, string rpId, uint counter, Guid accountId)
        {
            var challenge = JsonDocument.Parse(optionsJson).RootElement.GetProperty("challenge").GetString()!;
            var clientData = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "webauthn.get", challenge, origin, crossOrigin = false }));
            var authenticatorData = SHA256.HashData(Encoding.UTF8.GetBytes(rpId))
                .Concat(new byte[] { 0x05 }) // user present, user verified
                .Concat(BitConverter.GetBytes(counter).Reverse())
                .ToArray();
            var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
                DSASignatureFormat.Rfc3279DerSequence);
            return JsonSerializer.Serialize(new
            {
                id = B64(CredentialId),
                rawId = B64(CredentialId),
                type = "public-key",
                response = new
                {
                    authenticatorData = B64(authenticatorData),
                    clientDataJSON = B64(clientData),
                    signature = B64(signature),
                    userHandle = B64(accountId.ToByteArray()),
                },
                clientExtensionResults = new { },
            });
        }

        private static string B64(byte[] bytes) => StoredPasskey.Base64Url(bytes);
    }
}
