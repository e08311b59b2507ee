using System.Text;

namespace ServicePortal.Helpdesk.Staff;

/// <summary>
/// CSV for spreadsheets, safe to open: every cell quoted, and a cell that a spreadsheet would read as a formula (it
/// starts with <c>= + - @</c>, a tab or a carriage return) prefixed with <c>'</c> (OWASP's CSV injection advice).
/// </summary>
internal static class Csv
{
    public static string Cell(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Line(params string?[] cells) => string.Join(',', cells.Select(Cell)) + "\r\n";

    /// <summary>UTF-8 with a byte order mark, so a spreadsheet reads Kiswahili and names correctly.</summary>
    public static byte[] Bytes(StringBuilder text) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
}
