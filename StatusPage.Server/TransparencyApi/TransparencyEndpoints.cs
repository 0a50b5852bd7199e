using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.Startup;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.TransparencyApi;

// The transparency log's public face: signed checkpoints, the verifier key, RFC 9162 proofs and per-incident proof bundles.
internal static class TransparencyEndpoints
{
    private const string TextType = "text/plain; charset=utf-8";
    private const int MaxCheckpointsPerPage = 1000;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    // Proofs between fixed sizes never change; the latest checkpoint changes with every append.
    private static readonly TimeSpan Immutable = TimeSpan.FromDays(365);
    private static readonly TimeSpan Latest = TimeSpan.FromSeconds(5);

    public static IHostApplicationBuilder AddTransparency(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<TransparencyOptions>(builder.Configuration.GetSection(TransparencyOptions.Section));
        builder.Services.AddSingleton(sp =>
        {
            var options = builder.Configuration.GetSection(TransparencyOptions.Section).Get<TransparencyOptions>() ?? new TransparencyOptions();
            var store = sp.GetRequiredService<LedgerStore>();
            var site = sp.GetRequiredService<SiteSettingsHolder>();
            return new TransparencyKeyFile(options.KeyPathFor(store.DataPath),
                () => options.Origin ?? TransparencyOptions.OriginFor(site.Current.Url));
        });
        builder.Services.AddSingleton<TransparencyLog>();
        builder.Services.AddSingleton<CoveringCheckpoints>();
        builder.Services.AddSingleton<IStartupStep, SignHeadAtStartup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTransparency(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/ledger").WithTags("Transparency log");
        api.MapMethods("/checkpoint", ReadMethods.GetAndHead, GetCheckpoint);
        api.MapGet("/checkpoints", GetCheckpoints);
        api.MapMethods("/key", ReadMethods.GetAndHead, GetKey);
        api.MapMethods("/keys", ReadMethods.GetAndHead, GetKeys);
        api.MapGet("/proof/inclusion", GetInclusionProof);
        api.MapGet("/proof/consistency", GetConsistencyProof);
        app.MapGet("/incidents/{id}/proof.json", GetIncidentProof).WithTags("Transparency log");
        app.MapGet("/maintenance/{id}/proof.json", GetMaintenanceProof).WithTags("Transparency log");
        return app;
    }

    private static Results<CachedResult, ProblemHttpResult> GetCheckpoint(TransparencyLog log)
    {
        if (log.Latest is not { } latest)
        {
            return NoCheckpointYet();
        }
        var body = new Representation(Encoding.UTF8.GetBytes(latest.Note), TextType, null);
        return new CachedResult(body, $"\"cp-{latest.Size}\"", Latest, openCors: true);
    }

    private static Results<Ok<CheckpointsPage>, ProblemHttpResult> GetCheckpoints(LedgerStore store, long after = 0,
        int limit = MaxCheckpointsPerPage)
    {
        if (after < 0 || limit is < 1 or > MaxCheckpointsPerPage)
        {
            return Invalid("after", $"after must be ≥ 0 and limit between 1 and {MaxCheckpointsPerPage}", "out_of_range");
        }
        var page = store.Checkpoints(after, limit).Select(c => new CheckpointView(c.Size, c.Note)).ToList();
        return TypedResults.Ok(new CheckpointsPage(page));
    }

    private static CachedResult GetKey(TransparencyLog log)
    {
        var vkey = log.Verifier.ToString();
        return new CachedResult(new Representation(Encoding.UTF8.GetBytes(vkey + "\n"), TextType, null), $"\"{log.Verifier.KeyId:x8}\"",
            Latest, openCors: true);
    }

    // Every key the log has signed with and the tree sizes each signed, from the log.key_added entries (docs/LEDGER.md §5).
    private static CachedResult GetKeys(LedgerService ledger, LedgerStore store, TransparencyLog log, HeadCache cache)
    {
        var snapshot = ledger.Current;
        var body = cache.GetOrRender(snapshot, $"ledger/keys/{log.Latest?.Size}", _ =>
        {
            var keys = KeyPeriods.Of(snapshot, store, log).Select(k => new KeyView(k.VerifierKey, k.Name,
                k.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), k.Reason, k.From, k.To, k.RecordedAt)).ToList();
            return new Representation(JsonSerializer.SerializeToUtf8Bytes(new KeysPage(keys), Json), "application/json; charset=utf-8", null);
        });
        return new CachedResult(body, snapshot.Head.ETag, Latest, openCors: true);
    }

    private static Results<JsonHttpResult<InclusionProof>, ProblemHttpResult> GetInclusionProof(HttpContext context,
        TransparencyLog log, LedgerStore store, long seq, long? size = null)
    {
        if (log.Latest is not { } latest)
        {
            return NoCheckpointYet();
        }
        var treeSize = size ?? latest.Size;
        if (treeSize < 1 || treeSize > latest.Size)
        {
            return Invalid("size", $"size must be between 1 and the latest checkpoint's size {latest.Size}", "out_of_range");
        }
        if (seq < 1 || seq > treeSize)
        {
            return Invalid("seq", $"seq must be between 1 and size ({treeSize})", "out_of_range");
        }
        var entry = store.ReadEntry(seq) ?? throw new InvalidOperationException($"entry {seq} is covered by the log but not stored");
        var proof = new InclusionProof(seq, treeSize, seq - 1, entry.Hash, Base64(log.Tree.InclusionProof(seq - 1, treeSize)));
        context.Response.Headers.CacheControl = CacheControl(size is null ? Latest : Immutable);
        context.Response.Headers.AccessControlAllowOrigin = "*";
        return TypedResults.Json(proof, Json);
    }

    private static Results<JsonHttpResult<ConsistencyProof>, ProblemHttpResult> GetConsistencyProof(HttpContext context,
        TransparencyLog log, long from, long? to = null)
    {
        if (log.Latest is not { } latest)
        {
            return NoCheckpointYet();
        }
        var toSize = to ?? latest.Size;
        if (toSize < 1 || toSize > latest.Size)
        {
            return Invalid("to", $"to must be between 1 and the latest checkpoint's size {latest.Size}", "out_of_range");
        }
        if (from < 1 || from > toSize)
        {
            return Invalid("from", $"from must be between 1 and to ({toSize})", "out_of_range");
        }
        var proof = new ConsistencyProof(from, toSize, Base64(log.Tree.ConsistencyProof(from, toSize)));
        context.Response.Headers.CacheControl = CacheControl(to is null ? Latest : Immutable);
        context.Response.Headers.AccessControlAllowOrigin = "*";
        return TypedResults.Json(proof, Json);
    }

    private static Results<CachedResult, NotFound, ProblemHttpResult> GetIncidentProof(string id, LedgerService ledger,
        LedgerStore store, TransparencyLog log, CoveringCheckpoints anchors, HeadCache cache) =>
        ledger.Current.Incidents.ContainsKey(id) ? Bundle("incident", id, ledger, store, log, anchors, cache) : TypedResults.NotFound();

    private static Results<CachedResult, NotFound, ProblemHttpResult> GetMaintenanceProof(string id, LedgerService ledger,
        LedgerStore store, TransparencyLog log, CoveringCheckpoints anchors, HeadCache cache) =>
        ledger.Current.Maintenances.ContainsKey(id) ? Bundle("maintenance", id, ledger, store, log, anchors, cache) : TypedResults.NotFound();

    // Against the first checkpoint that includes the subject's last entry (issue 15: a later post elsewhere leaves proof.json as
    // it was); a newer checkpoint extends it, which /api/v1/ledger/proof/consistency shows.
    private static Results<CachedResult, NotFound, ProblemHttpResult> Bundle(string subjectKind, string id, LedgerService ledger,
        LedgerStore store, TransparencyLog log, CoveringCheckpoints anchors, HeadCache cache)
    {
        var snapshot = ledger.Current;
        var seq = ContentVersions.Of(snapshot).SeqFor($"/{(subjectKind == "incident" ? "incidents" : "maintenance")}/{id}/proof.json");
        if (log.Latest is not { } latest || latest.Size < snapshot.Head.Seq || anchors.For(seq) is not { } anchor)
        {
            return NoCheckpointYet();
        }
        // The bundle names today's verifier key: a checkpoint signed before a key rotation would not verify with it.
        var checkpoint = SignedCheckpoint.Open(anchor.Checkpoint.Note, log.Verifier) is null ? latest : anchor.Checkpoint;
        var body = cache.GetOrRender(snapshot, $"proof/{subjectKind}/{id}/{checkpoint.Size}", _ =>
        {
            var bundle = ProofBundle.For(subjectKind, id, store.ReadBySubject(id, checkpoint.Size), checkpoint, log);
            return new Representation(JsonSerializer.SerializeToUtf8Bytes(bundle, Json), "application/json; charset=utf-8", null);
        });
        return new CachedResult(body, $"\"p{seq}-cp{checkpoint.Size}\"", Latest, openCors: true);
    }

    private static List<string> Base64(IReadOnlyList<byte[]> hashes) => [.. hashes.Select(Convert.ToBase64String)];

    private static string CacheControl(TimeSpan maxAge) => $"public, max-age={(int)maxAge.TotalSeconds}";

    private static ProblemHttpResult NoCheckpointYet() => TypedResults.Problem(statusCode: 503, title: "No signed checkpoint yet",
        detail: "The log has not signed a checkpoint covering its current entries yet (empty ledger, or still starting).",
        extensions: new Dictionary<string, object?> { ["rule"] = "no_checkpoint" });

    private static ProblemHttpResult Invalid(string field, string message, string rule) => TypedResults.Problem(statusCode: 400,
        title: "Invalid proof request", detail: message,
        extensions: new Dictionary<string, object?> { ["field"] = field, ["rule"] = rule });

    public sealed record CheckpointView(long Size, string Note);

    public sealed record CheckpointsPage(IReadOnlyList<CheckpointView> Checkpoints);

    public sealed record KeyView(string? VerifierKey, string Name, string KeyId, string Reason, long? FromSize, long? ToSize,
        long? RecordedInEntry);

    public sealed record KeysPage(IReadOnlyList<KeyView> Keys);

    public sealed record InclusionProof(long Seq, long Size, long LeafIndex, string Leaf, IReadOnlyList<string> Hashes);

    public sealed record ConsistencyProof(long From, long To, IReadOnlyList<string> Hashes);
}

// Runs after content ingestion: a ledger that predates checkpoints, or was imported, gets its head signed at start.
internal sealed class SignHeadAtStartup(LedgerService ledger) : IStartupStep
{
    public Task RunAsync(CancellationToken cancellationToken) => ledger.SignHeadIfUnsignedAsync(cancellationToken);
}
