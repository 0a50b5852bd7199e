using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.Startup;
using StatusPage.Server.Webhooks;

namespace StatusPage.Server.Providers;

// Configuration section "StatusPage:Providers": how provider status pages (site.yml status_url) are read.
internal sealed class ProviderWatchOptions
{
    public const string Section = "StatusPage:Providers";

    // Off by default (the webhooks' SSRF guard); on only for a provider page on an intranet, or tests on 127.0.0.1.
    public bool AllowPrivateTargets { get; set; }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // False: no background reading at all (tests drive ReadNowAsync themselves and count the requests).
    public bool Watch { get; set; } = true;
}

// Reads each provider's own status page (Statuspage v2 summary.json or status.json) while one of OUR incidents attributed to
// that provider is open, and records what it said as provider.status_observed entries: one when the incident is first seen
// open, then one only when the indicator, description or the provider's incident list changes (an unreachable page counts
// as one state, whatever the error). Nothing is read while no such incident is open; a 304 to the conditional GET is
// "unchanged". The ledger is the memory: after a restart the last recorded observation is what a reading is compared with.
internal sealed partial class ProviderStatusWatch(LedgerService ledger, LedgerReadiness readiness, SiteSettingsHolder site,
    IOptions<ProviderWatchOptions> options, TimeProvider time, ILogger<ProviderStatusWatch> logger) : BackgroundService
{
    public const string Author = "provider-watch";
    private const int MaxResponseBytes = 1 << 20;

    private readonly ProviderWatchOptions _options = options.Value;
    private readonly HttpClient _http = CreateClient(options.Value);
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly Dictionary<string, FeedState> _feeds = new(StringComparer.Ordinal);

    // What one read of a provider's page gave.
    private sealed record Reading(string Indicator, string Description, ImmutableArray<ObservedProviderIncident> Incidents);

    // Per provider: the validators and the reading they belong to (for a 304), when the next read is due, and the incidents
    // the watch has already read the page for (a newly opened one is read for at once).
    private sealed class FeedState
    {
        public string? ETag { get; set; }
        public DateTimeOffset? LastModified { get; set; }
        public Reading? LastGood { get; set; }
        public DateTimeOffset NextDue { get; set; }
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.Ready.WaitAsync(stoppingToken);
            // Its entries are appended on the model it reads: never one not yet verified (a start from a read-model snapshot).
            await ledger.Verification.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsReady)
        {
            return;
        }
        if (!_options.Watch)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var appended = ledger.NextAppend;
            var wait = TimeSpan.FromMinutes(1);
            try
            {
                wait = await ReadDueAsync(force: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // One bad round must not stop the watch for good.
                LogRoundFailed(logger, e);
            }
            // An append may open an incident attributed to a watched provider: read its page at once.
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(appended, Task.Delay(wait, time, stopWaiting.Token));
            await stopWaiting.CancelAsync();
        }
    }

    // Reads every watched provider's page that has an open incident now, due or not; returns the entries appended.
    public async Task<int> ReadNowAsync(CancellationToken cancellationToken = default)
    {
        var before = ledger.Current.Head.Seq;
        await ReadDueAsync(force: true, cancellationToken);
        return (int)(ledger.Current.Head.Seq - before);
    }

    // Returns how long until the next read is due (at most a minute, the shortest interval allowed).
    private async Task<TimeSpan> ReadDueAsync(bool force, CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            var next = ProviderFeed.MinimumInterval;
            foreach (var feed in site.Current.ProviderFeeds)
            {
                var snapshot = ledger.Current;
                if (snapshot.IsReadOnly || !snapshot.Providers.ContainsKey(feed.ProviderId))
                {
                    continue;
                }
                var open = OpenIncidentsOf(snapshot, feed.ProviderId);
                var state = StateOf(feed);
                state.Seen.IntersectWith(open.Select(i => i.Id));
                if (open.Count == 0)
                {
                    continue;
                }
                var now = time.GetUtcNow();
                if (force || now >= state.NextDue || open.Any(i => !state.Seen.Contains(i.Id)))
                {
                    var reading = await ReadAsync(feed, state, cancellationToken);
                    now = time.GetUtcNow();
                    state.NextDue = now + feed.Interval;
                    foreach (var incident in open)
                    {
                        state.Seen.Add(incident.Id);
                        await RecordIfChangedAsync(incident, feed, reading, now, cancellationToken);
                    }
                }
                var until = state.NextDue - time.GetUtcNow();
                next = until < next ? until : next;
            }
            return next < TimeSpan.Zero ? TimeSpan.Zero : next;
        }
        finally
        {
            _round.Release();
        }
    }

    // Our open incidents whose cause names the provider.
    public static List<Incident> OpenIncidentsOf(StatusSnapshot snapshot, string providerId) =>
        [.. snapshot.UnresolvedIncidents.Where(i => i.Cause.Kind == CauseKind.Upstream && i.Cause.ProviderId == providerId)];

    private FeedState StateOf(ProviderFeed feed)
    {
        // A changed status_url starts afresh (its validators belong to the old address).
        var key = feed.ProviderId + " " + feed.StatusUrl.AbsoluteUri;
        if (!_feeds.TryGetValue(key, out var state))
        {
            state = new FeedState();
            _feeds[key] = state;
        }
        return state;
    }

    private async Task RecordIfChangedAsync(Incident incident, ProviderFeed feed, Reading reading, DateTimeOffset observedAt,
        CancellationToken cancellationToken)
    {
        var last = ledger.Current.ProviderObservations.TryGetValue(incident.Id, out var recorded)
            ? recorded.FindLast(o => o.ProviderId == feed.ProviderId)
            : null;
        if (last is not null && Same(last, reading))
        {
            return;
        }
        var result = await ledger.AppendAsync(new RecordProviderStatus(incident.Id, feed.ProviderId, reading.Indicator,
            reading.Description, reading.Incidents, observedAt, Bounded.Clip(feed.StatusUrl.AbsoluteUri, ProviderIndicators.SourceMaxLength)),
            Author, cancellationToken);
        if (result.Violation is { } violation)
        {
            LogRefused(logger, feed.ProviderId, incident.Id, violation.Rule, violation.Message);
        }
    }

    // An unreachable page is one state whatever the error, so a flapping error text writes nothing new.
    private static bool Same(ProviderObservation last, Reading reading) =>
        last.Indicator == reading.Indicator
        && (reading.Indicator == ProviderIndicators.Unreachable
            || (last.Description == reading.Description && last.Incidents.SequenceEqual(reading.Incidents)));

    private async Task<Reading> ReadAsync(ProviderFeed feed, FeedState state, CancellationToken cancellationToken)
    {
        if (!_options.AllowPrivateTargets && await WebhookTargetGuard.ProblemWithTargetAsync(feed.StatusUrl, cancellationToken) is not null)
        {
            return Unreachable($"refused: {feed.StatusUrl.Host} is a loopback, private or link-local address");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, feed.StatusUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (state.LastGood is not null)
        {
            if (state.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }
            if (state.LastModified is { } modified)
            {
                request.Headers.IfModifiedSince = modified;
            }
        }
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified && state.LastGood is { } unchanged)
            {
                return unchanged;
            }
            if (!response.IsSuccessStatusCode)
            {
                return Unreachable($"HTTP {(int)response.StatusCode}");
            }
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                return Unreachable($"the page is larger than {MaxResponseBytes / 1024} KB");
            }
            var bytes = await ReadBoundedAsync(response.Content, cancellationToken);
            if (bytes is null)
            {
                return Unreachable($"the page is larger than {MaxResponseBytes / 1024} KB");
            }
            if (Parse(bytes) is not { } reading)
            {
                return Unreachable("not a Statuspage v2 status (no status.indicator)");
            }
            state.LastGood = reading;
            state.ETag = response.Headers.ETag?.ToString();
            state.LastModified = response.Content.Headers.LastModified;
            return reading;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable($"no answer within {_options.RequestTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return Unreachable(e.HttpRequestError == HttpRequestError.ConnectionError || e.InnerException is System.Net.Sockets.SocketException
                ? "could not connect"
                : "the request failed: " + e.HttpRequestError.ToString());
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Reading Unreachable(string why) => new(ProviderIndicators.Unreachable, why, []);

    // The v2 status object, and the unresolved incidents when the page lists them (summary.json does, status.json does not).
    // Every text is clipped to the ledger's bounds and cleaned of control characters; null when there is no status.indicator.
    public static (string Indicator, string Description, ImmutableArray<ObservedProviderIncident> Incidents)? ParseV2(byte[] json) =>
        Parse(json) is { } r ? (r.Indicator, r.Description, r.Incidents) : null;

    private static Reading? Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object
                || !status.TryGetProperty("indicator", out var indicatorElement) || indicatorElement.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var word = indicatorElement.GetString()!;
            var indicator = ProviderIndicators.All.Contains(word) && word != ProviderIndicators.Unreachable ? word : ProviderIndicators.Unknown;
            var description = status.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                ? Bounded.Line(d.GetString(), ProviderIndicators.DescriptionMaxLength)
                : "";
            var incidents = ImmutableArray.CreateBuilder<ObservedProviderIncident>();
            if (root.TryGetProperty("incidents", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (incidents.Count == ProviderIndicators.IncidentsMax)
                    {
                        break;
                    }
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                        && item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                        && Bounded.Line(id.GetString(), ProviderIndicators.IncidentIdMaxLength) is { Length: > 0 } idText
                        && Bounded.Line(name.GetString(), ProviderIndicators.IncidentNameMaxLength) is { Length: > 0 } nameText)
                    {
                        incidents.Add(new ObservedProviderIncident(idText, nameText));
                    }
                }
            }
            return new Reading(indicator, description.Length > 0 ? description : "(no description)", incidents.ToImmutable());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Redirects are not followed: the address in site.yml is the only place read. The guard checks the address connected to.
    private static HttpClient CreateClient(ProviderWatchOptions options) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = WebhookTargetGuard.ConnectCallback(options.AllowPrivateTargets),
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        })
        {
            Timeout = options.RequestTimeout,
            DefaultRequestHeaders = { { "User-Agent", "StatusPage-ProviderWatch/1" } },
        };

    public override void Dispose()
    {
        _http.Dispose();
        _round.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A provider status round failed; trying again later.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Observation of {Provider} for incident {Incident} refused ({Rule}): {Message}")]
    private static partial void LogRefused(ILogger logger, string provider, string incident, string rule, string message);
}

// Text from a provider's page as the ledger keeps it: one line, no control characters, at most N characters.
internal static class Bounded
{
    public static string Line(string? text, int max)
    {
        var builder = new StringBuilder();
        foreach (var part in (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(builder.Length > 0 ? " " : "").Append(part);
        }
        return SafeText.Clean(Clip(builder.ToString(), max));
    }

    public static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
