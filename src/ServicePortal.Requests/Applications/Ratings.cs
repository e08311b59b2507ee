using Dapper;
using FluentValidation;
using Npgsql;
using ServicePortal.Requests.Officers;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Applications;

/// <summary>What the citizen sends to rate a finished application: a score of 1 to 5 and, if they wish, a comment.</summary>
internal sealed record RatingInput(int? Score, string? Comment)
{
    public const int CommentMaxLength = 1000;

    /// <summary>The comment as stored: trimmed, null when blank.</summary>
    public string? CommentText => string.IsNullOrWhiteSpace(Comment) ? null : Comment.Trim();
}

/// <summary>The rating form's rules, said in the citizen's language.</summary>
internal sealed class RatingValidator : AbstractValidator<RatingInput>
{
    public RatingValidator()
    {
        RuleFor(r => r.Score).NotNull().WithMessage(_ => T("Chagua alama kutoka 1 hadi 5.", "Choose a score from 1 to 5."))
            .InclusiveBetween(1, 5).WithMessage(_ => T("Chagua alama kutoka 1 hadi 5.", "Choose a score from 1 to 5."));
        RuleFor(r => r.CommentText).MaximumLength(RatingInput.CommentMaxLength).OverridePropertyName(nameof(RatingInput.Comment))
            .WithMessage(_ => T($"Maoni yasizidi herufi {RatingInput.CommentMaxLength}.",
                $"The comment must be at most {RatingInput.CommentMaxLength} characters."));
    }
}

/// <summary>A rating as given.</summary>
internal sealed record GivenRating(int Score, string? Comment, DateTime CreatedAt);

/// <summary>
/// The citizens' ratings (<c>requests.ratings</c>): one per application, given once the application is completed or
/// rejected (the agency's final answers; a cancelled one was withdrawn, not answered), and not changed afterwards.
/// </summary>
internal sealed class RatingStore(NpgsqlDataSource dataSource)
{
    /// <summary>The statuses after which a citizen is asked to rate: the agency has answered for good.</summary>
    public static bool CanRate(string status) => status is RequestStatus.Completed or RequestStatus.Rejected;

    public async Task<GivenRating?> FindAsync(long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<GivenRating>(new CommandDefinition(
            "SELECT score::int AS Score, comment AS Comment, created_at AS CreatedAt FROM requests.ratings WHERE request_id = @requestId",
            new { requestId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Saves the citizen's rating of their own finished application; false when it was already rated (the first stays)
    /// or is not the citizen's, or not finished.
    /// </summary>
    public async Task<bool> AddAsync(Guid accountId, long requestId, RatingInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var added = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO requests.ratings (request_id, account_id, service_code, agency, score, comment)
            SELECT id, account_id, service_code, agency, @score, @comment FROM requests.requests
            WHERE id = @requestId AND account_id = @accountId AND status IN ('completed', 'rejected')
            ON CONFLICT (request_id) DO NOTHING
            """, new { requestId, accountId, score = (short)input.Score!.Value, comment = input.CommentText },
            cancellationToken: cancellationToken));
        return added == 1;
    }

    /// <summary>Per service: how many ratings and their average; of these agencies, or of all when null.</summary>
    public async Task<IReadOnlyList<ServiceRating>> ListAveragesAsync(IReadOnlyCollection<string>? agencies, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ServiceRating>(new CommandDefinition(
            """
            SELECT agency AS Agency, service_code AS ServiceCode, count(*)::int AS Count, round(avg(score), 1) AS Average
            FROM requests.ratings WHERE @agencies::text[] IS NULL OR agency = ANY(@agencies)
            GROUP BY agency, service_code ORDER BY agency, service_code
            """, new { agencies = agencies?.ToArray() }, cancellationToken: cancellationToken))];
    }
}
