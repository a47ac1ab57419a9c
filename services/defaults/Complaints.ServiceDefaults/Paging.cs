using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Complaints.ServiceDefaults;

/// <summary>
/// A position in a list ordered by (<see cref="First"/>, <see cref="Second"/>, <see cref="Id"/>):
/// the sort keys of the last item a page returned. Paging by position, not by offset, so a case that
/// leaves or joins the list between two pages never makes another appear twice or be skipped.
/// </summary>
public readonly record struct PageKey(long First, long Second, Guid Id) : IComparable<PageKey>
{
    public int CompareTo(PageKey other) =>
        First != other.First ? First.CompareTo(other.First)
        : Second != other.Second ? Second.CompareTo(other.Second)
        : Id.CompareTo(other.Id);

    /// <summary>A time as a sort key; no time sorts last.</summary>
    public static long Time(DateTimeOffset? time) => time?.UtcTicks ?? long.MaxValue;
}

/// <summary>
/// List paging as the Google API design guide has it (AIP-158): page_size (0 for the default; above
/// the maximum, the maximum), an opaque page_token taken from the previous response's
/// next_page_token, and an empty next_page_token on the last page. A token belongs to the list it
/// came from (the same team or agent): used with another, it is refused.
/// </summary>
public sealed record PageRequest(int Size, PageKey? After, string List)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;

    /// <summary>Reads page_size and page_token, adding what is wrong to <paramref name="violations"/>.</summary>
    public static PageRequest Parse(int pageSize, string pageToken, string list, FieldViolations violations)
    {
        if (pageSize < 0) violations.Add("page_size", "must not be negative (0 for the default page of 50)");
        var size = pageSize == 0 ? DefaultSize : Math.Clamp(pageSize, 1, MaxSize);
        if (string.IsNullOrEmpty(pageToken)) return new PageRequest(size, null, list);
        if (Decode(pageToken) is not { } token) violations.Add("page_token", "is not a token this list returned");
        else if (token.List != list) violations.Add("page_token", "belongs to another list (another team or agent); start again without a token");
        else return new PageRequest(size, token.After, list);
        return new PageRequest(size, null, list);
    }

    /// <summary>The page of <paramref name="items"/> after this position, in key order, and the token of the next page ("" when none).</summary>
    public (List<T> Items, string NextPageToken) Take<T>(IEnumerable<T> items, Func<T, PageKey> key)
    {
        var after = After;
        var rest = items.Select(item => (Item: item, Key: key(item)))
            .Where(i => after is not { } a || i.Key.CompareTo(a) > 0)
            .OrderBy(i => i.Key)
            .Take(Size + 1)
            .ToList();
        var page = rest.Take(Size).ToList();
        var next = rest.Count > Size ? Encode(List, page[^1].Key) : "";
        return (page.Select(i => i.Item).ToList(), next);
    }

    private static string Encode(string list, PageKey after) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', "v1", list,
            after.First.ToString(CultureInfo.InvariantCulture), after.Second.ToString(CultureInfo.InvariantCulture), after.Id.ToString("N"))));

    private static (string List, PageKey After)? Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
            if (parts is not ["v1", var list, var first, var second, var id]) return null;
            if (!long.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var f)
                || !long.TryParse(second, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                || !Guid.TryParseExact(id, "N", out var g)) return null;
            return (list, new PageKey(f, s, g));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
