using System.Globalization;
using System.Text;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// Where a value sits in the answers, written as FluentValidation writes property paths: <c>childName</c>,
/// <c>directors[1].nin</c>. The same path names the HTML input (<see cref="InputName"/>) and its element id
/// (<see cref="InputId"/>), so an error links to its field. Property names holding <c>.</c> or <c>[</c> are
/// not supported by the form pages (none of the catalogue's forms has one).
/// </summary>
public static class FieldPath
{
    /// <summary>The prefix of every posted answer, so answers never collide with the page's other fields.</summary>
    public const string InputPrefix = "answers.";

    public static string Child(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Item(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");

    public static string InputName(string path) => InputPrefix + path;

    /// <summary>A valid, readable HTML id: <c>answers-directors-1-nin</c>; other characters become <c>_</c>.</summary>
    public static string InputId(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var id = new StringBuilder("answers-", path.Length + 8);
        foreach (var c in path)
        {
            if (c == ']')
            {
                continue;
            }

            id.Append(c is '.' or '[' ? '-' : char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return id.ToString();
    }

    /// <summary>The steps of a path: a property name, or an array index.</summary>
    internal static IEnumerable<(string? Name, int? Index)> Steps(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    yield break;
                }

                yield return (null, index);
                i = end + 1;
                continue;
            }

            var stop = path.IndexOfAny(['.', '['], i);
            stop = stop < 0 ? path.Length : stop;
            yield return (path[i..stop], null);
            i = stop;
        }
    }
}
