using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace StatusPage.Server.WriteApi;

// The steps every write shares once the edge has bound and validated its request (JsonBody, RequestValidation): append through
// the one write path (once per Idempotency-Key), and answer 201 only after the entries are committed, or a problem naming the
// field and the rule.
internal sealed class WriteGate(LedgerService ledger, TimeProvider time, IOptions<JsonOptions> json)
{
    public WriteContext Context() => RequestValidation.ContextOf(ledger.Current, time.GetUtcNow());

    public async Task<Results<Created<TResponse>, ValidationProblem, ProblemHttpResult>> WriteAsync<TResponse>(HttpContext http,
        HistoryCommand planned, Func<ImmutableArray<LedgerEntry>, (string Location, TResponse Response)> respond)
    {
        var author = http.User.Identity!.Name!;
        string? key = http.Request.Headers[Idempotency.Header];
        if (key is null)
        {
            var result = await ledger.AppendAsync(planned, author, http.RequestAborted);
            return Answer(result.Violation, result.Entries, respond);
        }
        if (key.Length is 0 or > Limits.IdempotencyKeyMaxLength)
        {
            return Problems.Validation([new Problems.Violation(Idempotency.Header, "max_length",
                $"An Idempotency-Key is 1 to {Limits.IdempotencyKeyMaxLength} characters.")]);
        }
        // Keys are per operator; the request fingerprint tells a retry from a different request that reuses a key.
        var keySha = LedgerEntry.Sha256Hex(author + "\n" + key);
        var requestSha = LedgerEntry.Sha256Hex($"{http.Request.Method} {http.Request.Path}\n{JsonBody.Sha256(http)}");
        var keyed = await ledger.AppendAsync(new Idempotent(planned, keySha, requestSha), author, entries =>
        {
            var (location, response) = respond(entries);
            return new PendingEntry(EntryKinds.RequestCompleted, entries[0].Subject, new RequestCompleted(keySha, requestSha,
                StatusCodes.Status201Created, location, JsonSerializer.Serialize(response, json.Value.SerializerOptions)));
        }, http.RequestAborted);
        if (keyed.Violation?.Rule == RuleCatalogue.IdempotencyReplay.Code && keyed.Snapshot.Requests.TryGetValue(keySha, out var earlier))
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Created(earlier.Location, JsonSerializer.Deserialize<TResponse>(earlier.Response, json.Value.SerializerOptions));
        }
        return Answer(keyed.Violation, keyed.Violation is null ? keyed.Entries.RemoveAt(keyed.Entries.Length - 1) : [], respond);
    }

    private static Results<Created<TResponse>, ValidationProblem, ProblemHttpResult> Answer<TResponse>(RuleViolation? violation,
        ImmutableArray<LedgerEntry> entries, Func<ImmutableArray<LedgerEntry>, (string Location, TResponse Response)> respond)
    {
        if (violation is not null)
        {
            return Problems.Refusal<Created<TResponse>>(violation);
        }
        var (location, response) = respond(entries);
        return TypedResults.Created(location, response);
    }
}
