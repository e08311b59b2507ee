using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ServicePortal.Requests.Applications;

/// <summary>
/// The reference a citizen reads out over the phone: <c>SP-</c>, eight random characters and a check character,
/// all from Crockford's base32 (no I, L, O or U: nothing to confuse with 1, 0 or V, and no accidental words).
/// Reading is forgiving the way Crockford intends: lower case, spaces and dashes are accepted, I and L read as 1,
/// O as 0.
/// <para>
/// The check character comes from the Damm algorithm over the quasigroup x∘y = 2·x + y in GF(32) (the field
/// x⁵ + x² + 1): a Latin square, so any single wrong character changes the result, and totally anti-symmetric,
/// so any swap of two neighbours does too (tested exhaustively over every position and every pair).
/// </para>
/// </summary>
internal readonly record struct PortalReference
{
    public const string Prefix = "SP-";
    public const int RandomLength = 8;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private PortalReference(string value) => Value = value;

    /// <summary>The canonical form, e.g. <c>SP-7K2M9QXR4</c>.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    public static PortalReference New()
    {
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[RandomLength + 1];
        for (var i = 0; i < RandomLength; i++)
        {
            chars[i] = Alphabet[random[i] & 31];
        }

        chars[RandomLength] = Alphabet[CheckValue(chars[..RandomLength])];
        return new PortalReference(Prefix + new string(chars));
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out PortalReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        var length = 0;
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is ' ' or '-')
            {
                continue;
            }

            chars[length++] = c switch { 'I' or 'L' => '1', 'O' => '0', _ => c };
        }

        var body = chars[..length];
        if (body.StartsWith("SP", StringComparison.Ordinal))
        {
            body = body[2..];
        }

        if (body.Length != RandomLength + 1)
        {
            return false;
        }

        foreach (var c in body)
        {
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        if (Interim(body) != 0)
        {
            return false;
        }

        reference = new PortalReference(Prefix + new string(body));
        return true;
    }

    /// <summary>Damm: fold every character into the interim value; the check makes the final one zero.</summary>
    private static int Interim(ReadOnlySpan<char> chars)
    {
        var interim = 0;
        foreach (var c in chars)
        {
            interim = Times2(interim) ^ Alphabet.IndexOf(c, StringComparison.Ordinal);
        }

        return interim;
    }

    // interim ∘ check = 2·interim + check = 0 in characteristic 2, so check = 2·interim.
    private static int CheckValue(ReadOnlySpan<char> chars) => Times2(Interim(chars));

    /// <summary>Multiplication by x in GF(2⁵) modulo x⁵ + x² + 1.</summary>
    private static int Times2(int value)
    {
        value <<= 1;
        return (value & 0x20) != 0 ? value ^ 0x25 : value;
    }
}
