using System.Text;
using System.Text.RegularExpressions;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The regular expressions of a form (<c>pattern</c>), as the portal runs them: with .NET's non-backtracking engine,
/// whose matching time grows with the length of the answer and never exponentially, whatever the agency wrote. A
/// pattern such as <c>^(a+)+$</c> then costs the same as <c>^a+$</c>; a backtracking engine with a time limit would
/// spend the whole limit on every hostile answer (two evaluations of up to 200 answers: over a minute of CPU for one
/// page post) and refuse a right answer it gave up on. What that engine cannot run in linear time (back-references,
/// look-arounds, atomic groups, conditionals, or repetitions so large the automaton would pass 10,000 states) is
/// refused when the form is onboarded, so it never reaches the apply page. The time limit stays as a second guard.
/// </summary>
internal static class FormPatterns
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>The compiled pattern, or null with why in both languages.</summary>
    public static Regex? TryCompile(string pattern, out string sw, out string en)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        (sw, en) = ("", "");
        try
        {
            return new Regex(AsEcmaScript(pattern), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            (sw, en) = (
                "pattern haiwezi kukaguliwa kwa muda wenye kikomo: ina marejeo ya nyuma (\\1), kuangalia mbele au nyuma ((?=, (?<=), " +
                "vikundi vya (?>, masharti ya (?( au marudio makubwa mno (kama {1000} ndani ya marudio mengine). Iandike bila hayo, " +
                "au tumia format iliyotajwa (" + string.Join(", ", FieldFormats.Names) + ").",
                "the pattern cannot be matched in bounded time: it uses back-references (\\1), look-ahead or look-behind ((?=, (?<=), " +
                "atomic groups ((?>), conditionals ((?() or repetitions too large (such as {1000} inside another repetition). Write " +
                "it without them, or use a named format (" + string.Join(", ", FieldFormats.Names) + ").");
            return null;
        }
        catch (ArgumentException)
        {
            (sw, en) = ("pattern si regular expression sahihi.", "the pattern is not a valid regular expression.");
            return null;
        }
    }

    /// <summary>
    /// JSON Schema patterns are ECMA-262 regular expressions, where <c>\d</c> is 0-9 and <c>\w</c> is
    /// <c>[A-Za-z0-9_]</c>; in .NET they take in every script's digits and letters (<c>٣</c> would pass <c>^\d+$</c>),
    /// and the ECMAScript option cannot be combined with the non-backtracking engine. So those four escapes are written
    /// out; inside a character class <c>\D</c> and <c>\W</c> keep .NET's meaning (they then refuse other scripts' digits
    /// and letters too, which only makes the rule stricter). Everything else is left as written.
    /// </summary>
    internal static string AsEcmaScript(string pattern)
    {
        var text = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                text.Append((next, inClass) switch
                {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[A-Za-z0-9_]",
                    ('w', true) => "A-Za-z0-9_",
                    ('W', false) => "[^A-Za-z0-9_]",
                    _ => string.Concat("\\", next.ToString()),
                });
                continue;
            }

            if (c == '[' && !inClass)
            {
                inClass = true;
            }
            else if (c == ']' && inClass)
            {
                inClass = false;
            }

            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>Whether the text matches; a match that still runs out of time counts as no match.</summary>
    public static bool Matches(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
