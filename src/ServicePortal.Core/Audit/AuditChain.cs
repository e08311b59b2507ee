using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ServicePortal.Core.Audit;

/// <summary>
/// The hash chain shared by the portal's audit records (the access log, the gateway's audit). Each record carries
/// <c>hash = SHA-256(previous hash || canonical encoding of its fields)</c>; a chain is one UTC day of one table and
/// begins at <see cref="Genesis"/>, so a day can be checked, archived or anchored on its own. The chain makes an edit,
/// a deletion or a reordering evident; it does not stop someone who rewrites a whole day and its head (for that, the
/// day's last hash is copied elsewhere: see docs/security.md).
/// </summary>
public static class AuditChain
{
    /// <summary>The first record of a day links to this, not to the day before (days stand alone).</summary>
    public static byte[] Genesis(string chain, DateOnly day) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(
            $"serviceportal-audit-chain/v1\n{chain}\n{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"));

    /// <summary>The UTC day a moment belongs to (chains are per UTC day).</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}

/// <summary>
/// Encodes one record's fields canonically (a type tag, then a fixed-width or length-prefixed value; null has its
/// own tag) and links it to the previous hash. Times are taken to the microsecond, as PostgreSQL keeps them, so a
/// record read back hashes as it did when written.
/// </summary>
public sealed class AuditRecordHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _scratch = new byte[17];

    /// <summary>Starts a record that follows <paramref name="previous"/>.</summary>
    public AuditRecordHasher Begin(ReadOnlySpan<byte> previous)
    {
        _hash.GetHashAndReset(); // discard anything half added
        _hash.AppendData(previous);
        _scratch[0] = 1; // encoding version
        _hash.AppendData(_scratch.AsSpan(0, 1));
        return this;
    }

    public AuditRecordHasher Add(string? value)
    {
        if (value is null)
        {
            return Null();
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        _scratch[0] = 1;
        BinaryPrimitives.WriteInt32BigEndian(_scratch.AsSpan(1), bytes.Length);
        _hash.AppendData(_scratch.AsSpan(0, 5));
        _hash.AppendData(bytes);
        return this;
    }

    public AuditRecordHasher Add(long value)
    {
        _scratch[0] = 2;
        BinaryPrimitives.WriteInt64BigEndian(_scratch.AsSpan(1), value);
        _hash.AppendData(_scratch.AsSpan(0, 9));
        return this;
    }

    public AuditRecordHasher Add(DateTimeOffset value)
    {
        _scratch[0] = 3;
        var microseconds = (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        BinaryPrimitives.WriteInt64BigEndian(_scratch.AsSpan(1), microseconds);
        _hash.AppendData(_scratch.AsSpan(0, 9));
        return this;
    }

    public AuditRecordHasher Add(Guid value)
    {
        _scratch[0] = 4;
        value.TryWriteBytes(_scratch.AsSpan(1), bigEndian: true, out _);
        _hash.AppendData(_scratch.AsSpan(0, 17));
        return this;
    }

    public AuditRecordHasher Add(IPAddress? value)
    {
        if (value is null)
        {
            return Null();
        }

        var bytes = value.GetAddressBytes();
        _scratch[0] = 5;
        _scratch[1] = (byte)bytes.Length;
        _hash.AppendData(_scratch.AsSpan(0, 2));
        _hash.AppendData(bytes);
        return this;
    }

    /// <summary>The record's hash; the hasher is ready for the next <see cref="Begin"/>.</summary>
    public byte[] Finish() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();

    private AuditRecordHasher Null()
    {
        _scratch[0] = 0;
        _hash.AppendData(_scratch.AsSpan(0, 1));
        return this;
    }
}

/// <summary>Where a chain is first broken: the table, the row (its id, or its day and place), and what is wrong.</summary>
public sealed record AuditChainBreak(string Table, string Row, string Problem);

/// <summary>The outcome of checking one table's chains.</summary>
/// <param name="Unchained">Rows written before the table was chained (older than its first chained row).</param>
public sealed record AuditChainReport(string Table, long Rows, int Days, long Unchained, AuditChainBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Checks one table's chains. Each module that owns a chained table implements it; <c>verify-audit</c> runs them all.
/// </summary>
public interface IAuditChainVerifier
{
    Task<AuditChainReport> VerifyAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Walks one table's rows in chain order (day, then place) and finds the first row that is missing, out of place,
/// not linked to the one before it, or changed; then compares each day's last row with the day's head, which catches
/// rows cut off the end. The owning module reads its rows and hands each one here with a way to re-hash it.
/// </summary>
public sealed class AuditChainWalk(string chain, string table, IReadOnlyDictionary<DateOnly, (long LastSeq, byte[]? LastHash)> heads)
{
    private readonly HashSet<DateOnly> _seenDays = [];
    private DateOnly? _day;
    private long _seq;
    private byte[] _previous = [];
    private long _rows;

    public AuditChainBreak? FirstBreak { get; private set; }

    /// <summary>
    /// One row, in order. <paramref name="rehash"/> computes the row's hash from a given previous hash. Returns false
    /// once a break is found (stop reading).
    /// </summary>
    public bool Row(DateOnly day, long seq, byte[] previousHash, byte[] hash, Func<byte[], byte[]> rehash, string label)
    {
        ArgumentNullException.ThrowIfNull(rehash);
        if (FirstBreak is not null)
        {
            return false;
        }

        if (_day != day)
        {
            if (_day is { } done && !EndOfDay(done))
            {
                return false;
            }

            _day = day;
            _seenDays.Add(day);
            _seq = 0;
            _previous = AuditChain.Genesis(chain, day);
        }

        var where = $"{label} (siku/day {day:yyyy-MM-dd}, #{seq})";
        if (seq != _seq + 1)
        {
            return Broken(where, seq > _seq + 1
                ? $"rows #{_seq + 1}..#{seq - 1} of the day are missing (deleted)"
                : $"place #{seq} appears twice (a copied or inserted row)");
        }

        if (!previousHash.AsSpan().SequenceEqual(_previous))
        {
            return Broken(where, "does not link to the row before it (rows reordered, or one removed and renumbered)");
        }

        if (!rehash(_previous).AsSpan().SequenceEqual(hash))
        {
            return Broken(where, "its contents do not match its hash (the row was changed after it was written)");
        }

        _seq = seq;
        _previous = hash;
        _rows++;
        return true;
    }

    /// <summary>After the last row: the last day against its head, and heads whose days have no rows at all.</summary>
    public AuditChainReport Finish(long unchained)
    {
        if (FirstBreak is null && _day is { } last)
        {
            EndOfDay(last);
        }

        if (FirstBreak is null)
        {
            foreach (var (day, head) in heads.OrderBy(h => h.Key))
            {
                if (!_seenDays.Contains(day) && head.LastSeq > 0)
                {
                    Broken($"{table} (siku/day {day:yyyy-MM-dd})", $"the day's head counts {head.LastSeq} rows but none are left (deleted)");
                    break;
                }
            }
        }

        return new AuditChainReport(table, _rows, _seenDays.Count, unchained, FirstBreak);
    }

    private bool EndOfDay(DateOnly day)
    {
        if (!heads.TryGetValue(day, out var head))
        {
            return Broken($"{table} (siku/day {day:yyyy-MM-dd})", "the day has rows but no chain head (the head was deleted)");
        }

        if (head.LastSeq != _seq || head.LastHash is null || !head.LastHash.AsSpan().SequenceEqual(_previous))
        {
            return Broken($"{table} (siku/day {day:yyyy-MM-dd}, #{_seq + 1})",
                head.LastSeq > _seq
                    ? $"the day's head counts {head.LastSeq} rows but the chain ends at #{_seq} (rows deleted from the end)"
                    : "the day's last row is not the one its head recorded");
        }

        return true;
    }

    private bool Broken(string row, string problem)
    {
        FirstBreak = new AuditChainBreak(table, row, problem);
        return false;
    }
}
