namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>?page=&amp;pageSize=</c> of every list, bound with <c>[AsParameters]</c> and checked by one rule: page from 1,
/// pageSize 1-<see cref="MaxPageSize"/>, and the rows skipped (<c>(page - 1) × pageSize</c>) within what a store can
/// count, so <c>page=2147483647</c> is refused instead of overflowing into the first page.
/// </summary>
public readonly record struct Paging(int? Page, int? PageSize)
{
    public const int MaxPageSize = 1000;

    /// <summary>The pageSize of the case, alarm, maintenance and incident lists when none is given (devices and audit: 100).</summary>
    public const int DefaultPageSize = 50;

    /// <summary>A problem naming the parameter, or null when the paging is usable (<paramref name="defaultSize"/>: the list's pageSize when none is given).</summary>
    public ValidationProblem? Problem(int defaultSize)
    {
        if (Page is < 1)
        {
            return Problems.Invalid("page", "page starts at 1");
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            return Problems.Invalid("pageSize", $"pageSize is 1-{MaxPageSize}");
        }

        if ((long)((Page ?? 1) - 1) * SizeOr(defaultSize) > int.MaxValue - MaxPageSize)
        {
            return Problems.Invalid("page", $"page {Page} is beyond any list (page × pageSize must stay below {int.MaxValue - MaxPageSize:N0})");
        }

        return null;
    }

    public int PageOrFirst => Page ?? 1;

    public int SizeOr(int defaultSize) => PageSize ?? defaultSize;
}
