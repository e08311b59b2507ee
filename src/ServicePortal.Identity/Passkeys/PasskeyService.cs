using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Npgsql;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Passkeys;

/// <summary>A passkey of an account, as stored (the public key only: the private key never leaves the authenticator).</summary>
public sealed record StoredPasskey(byte[] CredentialId, Guid AccountId, byte[] PublicKey, long SignCount, byte[] UserHandle, string Name,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    /// <summary>The id as the pages name it (base64url).</summary>
    public string Key => Base64Url(CredentialId);

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What a ceremony's answer came to.</summary>
public abstract record PasskeyResult
{
    public sealed record Right(StoredPasskey Passkey) : PasskeyResult;

    /// <param name="Reason">For the log and the tests, never shown as is: the page says one sentence for every refusal.</param>
    public sealed record Refused(string Reason) : PasskeyResult;
}

/// <summary>
/// Passkeys (WebAuthn, with the Fido2 library): registering one for the signed-in account, and checking one as the
/// second step of signing in. The relying party id and the accepted origins come from configuration
/// (<see cref="PasskeyOptions"/>). A ceremony's options, with their challenge, are kept in PostgreSQL bound to the
/// session (or the pending sign-in) that asked, for <see cref="ChallengeLifetime"/>, and taken out when the answer
/// comes, right or wrong: each challenge is answered at most once, by the browser it was given to. A signature
/// counter that does not move forward (a cloned authenticator) is refused.
/// </summary>
public sealed class PasskeyService(NpgsqlDataSource dataSource, IFido2 fido2, TimeProvider clock)
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The longest answer the browser may send (a credential with its attestation is a few kilobytes).</summary>
    public const int MaxAnswerLength = 32_000;

    public const string RegisterPurpose = "register";
    public const string SignInPurpose = "sign_in";

    public async Task<IReadOnlyList<StoredPasskey>> ListAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT credential_id, account_id, public_key, sign_count, user_handle, name, created_at, last_used_at
            FROM identity.passkeys WHERE account_id = $1 ORDER BY created_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        var list = new List<StoredPasskey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StoredPasskey((byte[])reader[0], reader.GetGuid(1), (byte[])reader[2], reader.GetInt64(3), (byte[])reader[4],
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return list;
    }

    /// <summary>New registration options for the account (its passkeys excluded), kept for this session: their JSON for the page.</summary>
    public async Task<string> RegistrationOptionsAsync(Account account, string binding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var existing = await ListAsync(account.Id, cancellationToken);
        var options = fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            // The user handle is the account id: stable (one passkey per account on an authenticator) and no personal data.
            User = new Fido2User { Id = account.Id.ToByteArray(), Name = account.Nin.Masked, DisplayName = account.FullName },
            ExcludeCredentials = [.. existing.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId))],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = options.ToJson();
        await KeepAsync(binding, RegisterPurpose, account.Id, json, cancellationToken);
        return json;
    }

    /// <summary>Checks the browser's answer to the session's registration options and stores the passkey, in the caller's transaction.</summary>
    public async Task<PasskeyResult> RegisterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, string binding,
        string? answer, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var kept = await TakeAsync(connection, transaction, binding, RegisterPurpose, accountId, cancellationToken);
        if (kept is null)
        {
            return new PasskeyResult.Refused("no live challenge for this session");
        }

        if (Parse<AuthenticatorAttestationRawResponse>(answer) is not { } response)
        {
            return new PasskeyResult.Refused("not a WebAuthn answer");
        }

        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = CredentialCreateOptions.FromJson(kept),
                IsCredentialIdUniqueToUserCallback = async (args, token) =>
                {
                    await using var exists = new NpgsqlCommand("SELECT 1 FROM identity.passkeys WHERE credential_id = $1", connection, transaction);
                    exists.Parameters.Add(new NpgsqlParameter { Value = args.CredentialId });
                    return await exists.ExecuteScalarAsync(token) is null;
                },
            }, cancellationToken);
        }
        catch (Exception e) when (e is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            return new PasskeyResult.Refused(e.Message);
        }

        var stored = new StoredPasskey(credential.Id, accountId, credential.PublicKey, credential.SignCount, credential.User.Id, name,
            clock.GetUtcNow(), null);
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO identity.passkeys (credential_id, account_id, public_key, sign_count, user_handle, name, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = stored.CredentialId });
        insert.Parameters.Add(new NpgsqlParameter { Value = accountId });
        insert.Parameters.Add(new NpgsqlParameter { Value = stored.PublicKey });
        insert.Parameters.Add(new NpgsqlParameter { Value = stored.SignCount });
        insert.Parameters.Add(new NpgsqlParameter { Value = stored.UserHandle });
        insert.Parameters.Add(new NpgsqlParameter { Value = name });
        insert.Parameters.Add(new NpgsqlParameter { Value = stored.CreatedAt });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return new PasskeyResult.Right(stored);
    }

    /// <summary>Sign-in options for the account's passkeys, kept for this pending sign-in; null when it has none.</summary>
    public async Task<string?> SignInOptionsAsync(Guid accountId, string binding, CancellationToken cancellationToken)
    {
        var existing = await ListAsync(accountId, cancellationToken);
        if (existing.Count == 0)
        {
            return null;
        }

        var options = fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = [.. existing.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId))],
            UserVerification = UserVerificationRequirement.Preferred,
        });
        var json = options.ToJson();
        await KeepAsync(binding, SignInPurpose, accountId, json, cancellationToken);
        return json;
    }

    /// <summary>
    /// Checks the browser's answer to this pending sign-in's options: one of the account's passkeys, the right origin and
    /// relying party, the challenge given to this browser (spent now), and a signature counter that moved forward.
    /// </summary>
    public async Task<PasskeyResult> CheckAsync(Guid accountId, string binding, string? answer, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var kept = await TakeAsync(connection, transaction, binding, SignInPurpose, accountId, cancellationToken);
        await transaction.CommitAsync(cancellationToken); // spent, whatever the answer turns out to be
        if (kept is null)
        {
            return new PasskeyResult.Refused("no live challenge for this sign-in");
        }

        if (Parse<AuthenticatorAssertionRawResponse>(answer) is not { RawId: { Length: > 0 } } response)
        {
            return new PasskeyResult.Refused("not a WebAuthn answer");
        }

        var passkey = (await ListAsync(accountId, cancellationToken)).FirstOrDefault(p => p.CredentialId.AsSpan().SequenceEqual(response.RawId));
        if (passkey is null)
        {
            return new PasskeyResult.Refused("not a passkey of this account");
        }

        VerifyAssertionResult result;
        try
        {
            result = await fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = AssertionOptions.FromJson(kept),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) =>
                    Task.FromResult(args.UserHandle.AsSpan().SequenceEqual(passkey.UserHandle) && args.CredentialId.AsSpan().SequenceEqual(passkey.CredentialId)),
            }, cancellationToken);
        }
        catch (Exception e) when (e is Fido2VerificationException or JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            return new PasskeyResult.Refused(e.Message);
        }

        // The library lets a counter of 0 follow a stored one above 0; a counter once counting must keep counting.
        if (passkey.SignCount > 0 && result.SignCount <= passkey.SignCount)
        {
            return new PasskeyResult.Refused("the signature counter went backwards (a cloned authenticator?)");
        }

        await using var update = dataSource.CreateCommand(
            """
            UPDATE identity.passkeys SET sign_count = $3, last_used_at = $4
            WHERE credential_id = $1 AND account_id = $2 AND (sign_count = 0 AND $3 = 0 OR sign_count < $3)
            """);
        update.Parameters.Add(new NpgsqlParameter { Value = passkey.CredentialId });
        update.Parameters.Add(new NpgsqlParameter { Value = accountId });
        update.Parameters.Add(new NpgsqlParameter { Value = (long)result.SignCount });
        update.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            return new PasskeyResult.Refused("the signature counter was overtaken by another sign-in");
        }

        return new PasskeyResult.Right(passkey);
    }

    /// <summary>Removes one passkey of the account, in the caller's transaction; false when it names none of theirs.</summary>
    public static async Task<bool> RemoveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, byte[] credentialId,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM identity.passkeys WHERE account_id = $1 AND credential_id = $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = credentialId });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Removes every passkey of the account (assisted recovery), in the caller's transaction.</summary>
    public static async Task<int> RemoveAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM identity.passkeys WHERE account_id = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task KeepAsync(string binding, string purpose, Guid accountId, string options, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH tidy AS (
                DELETE FROM identity.passkey_challenges
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM identity.passkey_challenges WHERE expires_at < $5 LIMIT 20))
            )
            INSERT INTO identity.passkey_challenges (binding, purpose, account_id, options, expires_at)
            VALUES ($1, $2, $3, $4, $5 + $6)
            ON CONFLICT (binding, purpose) DO UPDATE SET account_id = $3, options = $4, expires_at = $5 + $6
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = binding });
        command.Parameters.Add(new NpgsqlParameter { Value = purpose });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = options });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = ChallengeLifetime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes the binding's options out (spent), when they are the account's and still live.</summary>
    private async Task<string?> TakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string binding, string purpose, Guid accountId,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM identity.passkey_challenges WHERE binding = $1 AND purpose = $2 RETURNING account_id, options, expires_at",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = binding });
        command.Parameters.Add(new NpgsqlParameter { Value = purpose });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return reader.GetGuid(0) == accountId && reader.GetFieldValue<DateTimeOffset>(2) > clock.GetUtcNow() ? reader.GetString(1) : null;
    }

    private static T? Parse<T>(string? answer) where T : class
    {
        if (string.IsNullOrWhiteSpace(answer) || answer.Length > MaxAnswerLength)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(answer);
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// Where passkeys are valid: the relying party id (the site's domain, <c>Identity:Passkeys:RelyingPartyId</c>) and
/// the exact origins a browser may answer from (<c>Identity:Passkeys:Origins</c>); both default to the issuer's.
/// </summary>
public sealed class PasskeyOptions
{
    public string? RelyingPartyId { get; set; }

    public IList<string> Origins { get; } = [];

    public static Fido2Configuration Configuration(PasskeyOptions? configured, Uri? issuer)
    {
        var rpId = configured?.RelyingPartyId is { Length: > 0 } id ? id : issuer?.Host ?? "localhost";
        var origins = configured?.Origins is { Count: > 0 } list
            ? list.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : issuer is null ? [] : new HashSet<string>([issuer.GetLeftPart(UriPartial.Authority)], StringComparer.OrdinalIgnoreCase);
        return new Fido2Configuration
        {
            RPID = rpId,
            RPName = "Lango la Huduma za Serikali",
            Origins = origins,
            TimestampDriftTolerance = 300_000,
        };
    }
}
