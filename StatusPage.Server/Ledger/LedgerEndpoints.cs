using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.Site;

namespace StatusPage.Server.Ledger;

public static class LedgerEndpoints
{
    public const int MaxPage = 10_000;

    public static IHostApplicationBuilder AddLedger(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<StatusPageOptions>(builder.Configuration.GetSection(StatusPageOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var options = builder.Configuration.GetSection(StatusPageOptions.Section).Get<StatusPageOptions>() ?? new StatusPageOptions();
            return new LedgerStore(options.Resolve(builder.Environment.ContentRootPath).DataPath);
        });
        builder.Services.AddSingleton<LedgerService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/ledger").WithTags("Ledger");
        api.MapGet("/", GetEntries);
        api.MapGet("/head", GetHead);
        return app;
    }

    // NDJSON, oldest first; page with ?after=<last seq you have>&limit=N.
    private static Results<PushStreamHttpResult, ProblemHttpResult> GetEntries(LedgerStore store, LedgerService ledger,
        long after = 0, int limit = MaxPage)
    {
        if (after < 0 || limit is < 1 or > MaxPage)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid paging",
                detail: $"after must be ≥ 0 and limit between 1 and {MaxPage}.");
        }
        var head = ledger.Current.Head;
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024);
            foreach (var entry in store.ReadAll(after).TakeWhile(e => e.Seq <= head.Seq).Take(limit))
            {
                await writer.WriteAsync(LedgerLine.From(entry).ToJson()).ConfigureAwait(false);
                await writer.WriteAsync('\n').ConfigureAwait(false);
            }
        }, "application/x-ndjson; charset=utf-8");
    }

    private static Ok<HeadResponse> GetHead(LedgerService ledger)
    {
        var snapshot = ledger.Current;
        return TypedResults.Ok(new HeadResponse(snapshot.Head.Seq, snapshot.Head.Hash, !snapshot.IsReadOnly, snapshot.IntegrityProblem));
    }

    public sealed record HeadResponse(long Seq, string Hash, bool Verified, string? Problem);
}
