using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.LedgerApi;

internal static class LedgerEndpoints
{
    public const int MaxPage = 10_000;

    public static IHostApplicationBuilder AddLedger(this IHostApplicationBuilder builder)
    {
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
            // Read in batches, each fully and synchronously: LiteDB binds a read transaction to its thread, and one left open
            // across an await made a later write on that pool thread fail (LockRecursionException).
            for (var (next, left) = (after, limit); left > 0;)
            {
                var batch = store.ReadAll(next).TakeWhile(e => e.Seq <= head.Seq).Take(Math.Min(left, 500)).ToList();
                if (batch.Count == 0)
                {
                    break;
                }
                foreach (var entry in batch)
                {
                    await writer.WriteAsync(LedgerLine.From(entry).ToJson()).ConfigureAwait(false);
                    await writer.WriteAsync('\n').ConfigureAwait(false);
                }
                (next, left) = (batch[^1].Seq, left - batch.Count);
            }
        }, "application/x-ndjson; charset=utf-8");
    }

    private static Ok<HeadResponse> GetHead(LedgerService ledger)
    {
        var snapshot = ledger.Current;
        // Not "verified" while a start from a read-model snapshot is still verifying the chain in the background.
        return TypedResults.Ok(new HeadResponse(snapshot.Head.Seq, snapshot.Head.Hash, !snapshot.IsReadOnly && !ledger.VerificationRunning,
            snapshot.IntegrityProblem));
    }

    public sealed record HeadResponse(long Seq, string Hash, bool Verified, string? Problem);
}
