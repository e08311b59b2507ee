namespace ServicePortal.Core.Identity;

/// <summary>
/// Tanzanian mobile numbers, stored in international form (<c>+255712345678</c>). People write them in many
/// ways: <c>0712 345 678</c>, <c>712345678</c>, <c>255712345678</c>, <c>+255 712-345-678</c>; all are accepted.
/// </summary>
public static class PhoneNumber
{
    public static bool TryNormalise(string? input, out string normalised)
    {
        normalised = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
        {
            return false;
        }

        var digits = new System.Text.StringBuilder(16);
        var trimmed = input.Trim();
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (!(c is ' ' or '-' or '(' or ')' || (c == '+' && i == 0)))
            {
                return false;
            }
        }

        var national = digits.ToString() switch
        {
            { Length: 12 } d when d.StartsWith("255", StringComparison.Ordinal) => d[3..],
            { Length: 10 } d when d.StartsWith('0') => d[1..],
            { Length: 9 } d => d,
            _ => null,
        };
        if (national is null || national[0] is not ('6' or '7'))
        {
            return false;
        }

        normalised = "+255" + national;
        return true;
    }

    /// <summary><c>+255 7** *** 001</c>: enough for a person to recognise their own number.</summary>
    public static string Mask(string phone) =>
        phone.Length == 13 ? $"+255 {phone[4]}** *** {phone[10..]}" : "***";
}
