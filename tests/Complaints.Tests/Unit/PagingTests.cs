using Complaints.ServiceDefaults;

namespace Complaints.Tests.Unit;

/// <summary>Paging by position (AIP-158): every item once, in order, whatever joins or leaves the list between pages.</summary>
public sealed class PagingTests
{
    private sealed record Item(Guid Id, long Due);

    private static readonly Func<Item, PageKey> ByDue = i => new PageKey(i.Due, 0, i.Id);

    private static List<Item> Items(int count) =>
        Enumerable.Range(0, count).Select(i => new Item(Guid.CreateVersion7(), i % 4)).ToList();

    private static PageRequest Parse(int size, string token, string list = "board:billing")
    {
        var violations = new FieldViolations();
        var request = PageRequest.Parse(size, token, list, violations);
        Assert.Empty(violations.All);
        return request;
    }

    private static List<string> Violations(int size, string token, string list = "board:billing")
    {
        var violations = new FieldViolations();
        PageRequest.Parse(size, token, list, violations);
        return violations.All.Select(v => v.Field).ToList();
    }

    [Fact]
    public void Pages_read_to_the_end_give_every_item_once_in_key_order()
    {
        var items = Items(23);
        var read = new List<Item>();
        var token = "";
        var pages = 0;
        do
        {
            var (page, next) = Parse(5, token).Take(items, ByDue);
            Assert.True(page.Count <= 5);
            read.AddRange(page);
            token = next;
            pages++;
        } while (token.Length > 0);

        Assert.Equal(5, pages);
        Assert.Equal(items.OrderBy(ByDue).Select(i => i.Id), read.Select(i => i.Id));
    }

    [Fact]
    public void An_item_that_leaves_or_joins_between_pages_moves_no_other_item_onto_a_second_page_or_off_every_page()
    {
        var items = Items(10);
        var ordered = items.OrderBy(ByDue).ToList();
        var (first, token) = Parse(4, "").Take(items, ByDue);

        // Between the pages, a case read on the first page is resolved and a new one arrives with the earliest deadline.
        items.Remove(first[0]);
        items.Add(new Item(Guid.CreateVersion7(), -1));
        var (second, _) = Parse(4, token).Take(items, ByDue);

        Assert.Equal(ordered.Skip(4).Take(4).Select(i => i.Id), second.Select(i => i.Id));
    }

    [Fact]
    public void The_last_page_has_no_next_token_and_an_empty_list_one_page()
    {
        var (page, next) = Parse(5, "").Take(Items(5), ByDue);
        Assert.Equal((5, ""), (page.Count, next));
        var (none, after) = Parse(0, "").Take(new List<Item>(), ByDue);
        Assert.Equal((0, ""), (none.Count, after));
    }

    [Fact]
    public void No_size_gives_the_default_and_a_size_above_the_maximum_gives_the_maximum()
    {
        Assert.Equal(PageRequest.DefaultSize, Parse(0, "").Size);
        Assert.Equal(PageRequest.MaxSize, Parse(PageRequest.MaxSize + 1, "").Size);
        Assert.Equal(7, Parse(7, "").Size);
    }

    [Fact]
    public void A_negative_size_a_token_no_list_returned_and_another_lists_token_are_refused_with_the_field()
    {
        Assert.Equal(["page_size"], Violations(-1, ""));
        Assert.Equal(["page_token"], Violations(5, "not-a-token"));
        Assert.Equal(["page_token"], Violations(5, Convert.ToBase64String("v1\nboard:billing\nx\n0\n0"u8.ToArray())));

        var (_, billingToken) = Parse(2, "").Take(Items(5), ByDue);
        Assert.Equal(["page_token"], Violations(2, billingToken, "board:customer-care"));
        Assert.Empty(Violations(2, billingToken));
    }
}
