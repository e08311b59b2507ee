using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ServicePortal.Core.Identifiers;

/// <summary>
/// A number a person reads out over the phone: a prefix of its own (<c>SP-</c> for an application, <c>TK-</c> for a
/// helpdesk ticket), eight random characters and a check character, all from Crockford's base32 (no I, L, O or U:
/// nothing to confuse with 1, 0 or V, and no accidental words). Reading is forgiving the way Crockford intends: lower
/// case, spaces and dashes are accepted, I and L read as 1, O as 0, and the prefix may be left out.
/// <para>
/// The check character comes from the Damm algorithm over the quasigroup x∘y = 2·x + y in GF(32) (the field
/// x⁵ + x² + 1): a Latin square, so any single wrong character changes the result, and totally anti-symmetric,
/// so any swap of two neighbours does too (tested exhaustively over every position and every pair).
/// </para>
/// </summary>
public static class ReadableReference
{
    public const int RandomLength = 8;
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new reference: <paramref name="prefix"/> (upper-case letters, e.g. <c>SP</c>), a dash, nine characters.</summary>
    public static string New(string prefix)
    {
        CheckPrefix(prefix);
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[RandomLength + 1];
        for (var i = 0; i < RandomLength; i++)
        {
            chars[i] = Alphabet[random[i] & 31];
        }

        chars[RandomLength] = Alphabet[CheckValue(chars[..RandomLength])];
        return prefix + "-" + new string(chars);
    }

    /// <summary>The canonical form (<c>SP-7K2M9QXR4</c>) of what a person typed, when it is a valid reference with this prefix (or none).</summary>
    public static bool TryParse(string prefix, string? text, [NotNullWhen(true)] out string? reference)
    {
        CheckPrefix(prefix);
        reference = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        var length = 0;
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is not (' ' or '-'))
            {
                chars[length++] = c;
            }
        }

        Span<char> body = chars[..length];
        // The prefix is taken off only when what follows has the reference's length, so a bare reference whose first
        // characters happen to spell the prefix is still read whole.
        if (body.Length == prefix.Length + RandomLength + 1 && body.StartsWith(prefix, StringComparison.Ordinal))
        {
            body = body[prefix.Length..];
        }

        if (body.Length != RandomLength + 1)
        {
            return false;
        }

        for (var i = 0; i < body.Length; i++)
        {
            body[i] = body[i] switch { 'I' or 'L' => '1', 'O' => '0', var c => c };
            if (Alphabet.IndexOf(body[i], StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        if (Interim(body) != 0)
        {
            return false;
        }

        reference = prefix + "-" + new string(body);
        return true;
    }

    private static void CheckPrefix(string prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 4 || !prefix.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"A reference prefix is one to four upper-case letters, not '{prefix}'.", nameof(prefix));
        }
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
