using System.Globalization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Core.Staff;

/// <summary>
/// One page of a long staff list. The page number comes from the address as typed: anything that is not a page
/// (letters, 0, past the end) shows the nearest page rather than an error, as the public search does.
/// In a Razor page bind it with <c>[FromQuery(Name = "page")]</c>: a handler parameter named <c>page</c> gets the route
/// value of that name first, which Razor Pages sets to the page's own path ("/Admin/Agencies"), so every page read as 1.
/// </summary>
public sealed record ListPage(int Number, int Size, int Total)
{
    public int Last => Math.Max(1, (Total + Size - 1) / Size);

    public int Skip => (Number - 1) * Size;

    public bool HasPrevious => Number > 1;

    public bool HasNext => Number < Last;

    /// <summary>" · ukurasa 2 kati ya 5" / " · page 2 of 5", or nothing when there is one page.</summary>
    public string Position => Last > 1 ? T($" · ukurasa {Number} kati ya {Last}", $" · page {Number} of {Last}") : "";

    public static ListPage Of(string? requested, int size, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var last = Math.Max(1, (total + size - 1) / size);
        var number = int.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, last) : 1;
        return new ListPage(number, size, total);
    }

    /// <summary>The words a staff search box keeps: trimmed, at most 100 characters, null when empty.</summary>
    public static string? Query(string? q)
    {
        var trimmed = q?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed[..Math.Min(trimmed.Length, 100)];
    }
}
