using System.Collections.Immutable;
using System.Globalization;
using FluentValidation;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using YamlDotNet.Core;

namespace StatusPage.Server.Content;

internal sealed record IngestReport(int Appended, ImmutableArray<ContentProblem> Problems);

// Appends what content/ says and the ledger does not have yet. Never rewrites: a changed, already-recorded update is reported.
// Each file section goes through the request validators the API and the console use, then the domain rules.
// The clock defaults to the system's when none is injected (the validators' time rules are also checked by the ledger's own clock).
internal sealed partial class ContentIngestor(LedgerService ledger, SiteSettingsHolder site, ILogger<ContentIngestor> logger,
    TimeProvider? time = null)
{
    public async Task<IngestReport> IngestAsync(string contentPath, CancellationToken cancellationToken = default)
    {
        var run = new Run(ledger, time ?? TimeProvider.System, contentPath, cancellationToken);
        await run.SiteAsync(site).ConfigureAwait(false);
        var files = EnumerateMarkdown(contentPath, "incidents").Select(f => (f, false))
            .Concat(EnumerateMarkdown(contentPath, "maintenance").Select(f => (f, true)));
        foreach (var (file, isMaintenance) in files)
        {
            // A start from a read-model snapshot verifies the chain meanwhile; a failure swaps in the verified prefix, read-only,
            // which nothing can be appended to and which may lack what this run just read: the rest of content waits.
            if (ledger.Current.IsReadOnly)
            {
                LogStoppedReadOnly(logger);
                break;
            }
            try
            {
                await run.FileAsync(file, isMaintenance).ConfigureAwait(false);
            }
            catch (KeyNotFoundException) when (ledger.Current.IsReadOnly)
            {
                LogStoppedReadOnly(logger);
                break;
            }
        }
        foreach (var problem in run.Problems)
        {
            LogProblem(logger, problem);
        }
        LogIngested(logger, contentPath, run.Appended, run.Problems.Count);
        return new IngestReport(run.Appended, [.. run.Problems]);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Content not ingested: {Problem}")]
    private static partial void LogProblem(ILogger logger, ContentProblem problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content not ingested further: the ledger is read-only (it failed verification)")]
    private static partial void LogStoppedReadOnly(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Content ingested from {Path}: {Appended} new ledger entries, {Problems} problems")]
    private static partial void LogIngested(ILogger logger, string path, int appended, int problems);

    private static IEnumerable<string> EnumerateMarkdown(string contentPath, string folder)
    {
        var dir = Path.Combine(contentPath, folder);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.md").Order(StringComparer.Ordinal) : [];
    }

    private sealed class Run(LedgerService ledger, TimeProvider time, string contentPath, CancellationToken cancellationToken)
    {
        public List<ContentProblem> Problems { get; } = [];

        public int Appended { get; private set; }

        public async Task SiteAsync(SiteSettingsHolder holder)
        {
            const string name = "site.yml";
            var path = Path.Combine(contentPath, name);
            if (!File.Exists(path))
            {
                Problems.Add(new ContentProblem(name, 1, $"no site.yml in {contentPath}"));
                return;
            }
            SiteFile siteFile;
            try
            {
                siteFile = ContentFiles.YamlReader.Deserialize<SiteFile>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false))
                    ?? new SiteFile();
            }
            catch (YamlException e)
            {
                Problems.Add(new ContentProblem(name, (int)e.Start.Line, $"bad YAML: {(e.InnerException ?? e).Message}"));
                return;
            }
            holder.Current = ToSettings(siteFile);
            var position = 0;
            foreach (var provider in siteFile.Providers)
            {
                await AppendAsync(name, 1, new DeclareProvider(provider.Id, provider.Name, provider.Url), ContentAuthor.Prefix + name).ConfigureAwait(false);
            }
            foreach (var group in siteFile.Groups)
            {
                await AppendAsync(name, 1, new DeclareGroup(group.Id, group.Name, position++), ContentAuthor.Prefix + name).ConfigureAwait(false);
                foreach (var c in group.Components)
                {
                    await AppendAsync(name, 1, new DeclareComponent(c.Id, c.Name, c.Description, group.Id, c.Sla, position++),
                        ContentAuthor.Prefix + name, new DeclareComponentValidator(Context()), Request(c, group.Id)).ConfigureAwait(false);
                }
            }
            foreach (var c in siteFile.Components)
            {
                await AppendAsync(name, 1, new DeclareComponent(c.Id, c.Name, c.Description, null, c.Sla, position++), ContentAuthor.Prefix + name,
                    new DeclareComponentValidator(Context()), Request(c, null)).ConfigureAwait(false);
            }
        }

        private SiteSettings ToSettings(SiteFile file)
        {
            var zone = TimeZoneInfo.Utc;
            if (file.TimeZone is { Length: > 0 } id && !TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone))
            {
                Problems.Add(new ContentProblem("site.yml", 1, $"unknown time zone '{id}'; using UTC"));
                zone = TimeZoneInfo.Utc;
            }
            var url = Uri.TryCreate(file.Url, UriKind.Absolute, out var parsed) ? parsed : SiteSettings.Default.Url;
            return new SiteSettings(file.Name ?? SiteSettings.Default.Name, url, zone ?? TimeZoneInfo.Utc,
                file.Languages.Count > 0 ? file.Languages : SiteSettings.Default.Languages)
            {
                CreditTiers = [.. file.SlaCredits.Where(c => c.Below is > 0 and <= 100 && c.Credit is >= 0 and <= 100)
                    .Select(c => new CreditTier(c.Below, c.Credit)).OrderByDescending(c => c.Below)],
                ProviderFeeds = [.. file.Providers.Select(ProviderFeedOf).OfType<ProviderFeed>()],
            };
        }

        // status_url: the provider's Statuspage v2 summary.json (or status.json); status_interval: how often it is read while
        // one of our incidents attributed to the provider is open (default 5m, at least 1m). A bad value is named, not guessed.
        private ProviderFeed? ProviderFeedOf(SiteFile.ProviderYaml provider)
        {
            if (string.IsNullOrWhiteSpace(provider.StatusUrl))
            {
                return null;
            }
            if (!Uri.TryCreate(provider.StatusUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(url.UserInfo))
            {
                Problems.Add(new ContentProblem("site.yml", 1, $"providers: {provider.Id}: status_url '{provider.StatusUrl}' is not an absolute " +
                    "http(s) address without credentials, like https://status.example.com/api/v2/summary.json; its status page is not read"));
                return null;
            }
            var interval = ProviderFeed.DefaultInterval;
            if (provider.StatusInterval is { Length: > 0 } text && !TryInterval(text, out interval))
            {
                Problems.Add(new ContentProblem("site.yml", 1, $"providers: {provider.Id}: status_interval '{text}' is not a duration like " +
                    "90s, 5m or 1h; its status page is not read"));
                return null;
            }
            if (interval < ProviderFeed.MinimumInterval)
            {
                Problems.Add(new ContentProblem("site.yml", 1, $"providers: {provider.Id}: status_interval '{provider.StatusInterval}' is " +
                    "shorter than the minimum of 1 minute (1m); its status page is not read"));
                return null;
            }
            return new ProviderFeed(provider.Id, url, interval);
        }

        private static bool TryInterval(string text, out TimeSpan interval)
        {
            interval = default;
            text = text.Trim();
            var unit = text.Length > 1 ? text[^1] : ' ';
            if (!int.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000)
            {
                return false;
            }
            interval = unit switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => TimeSpan.Zero };
            return unit is 's' or 'm' or 'h';
        }

        public async Task FileAsync(string fullPath, bool isMaintenance)
        {
            var display = Path.GetRelativePath(contentPath, fullPath).Replace('\\', '/');
            var (file, problems) = ContentFiles.Parse(display, await File.ReadAllTextAsync(fullPath, cancellationToken).ConfigureAwait(false));
            Problems.AddRange(problems);
            if (file is null)
            {
                return;
            }
            var author = ContentAuthor.Prefix + display;
            var id = file.Front.Id ?? Path.GetFileNameWithoutExtension(fullPath);
            if (isMaintenance)
            {
                await MaintenanceAsync(file, id, author).ConfigureAwait(false);
            }
            else
            {
                await IncidentAsync(file, id, author).ConfigureAwait(false);
            }
        }

        private async Task IncidentAsync(ContentFile file, string id, string author)
        {
            if (!ledger.Current.Incidents.ContainsKey(id))
            {
                var first = file.Sections.FirstOrDefault();
                if (first is not { Kind: SectionKind.Status }
                    || !TryWord<IncidentStatus>(file, first, first.Status, "status", out var status)
                    || !TryFront(file, out var impact, out var startedAt, out var cause)
                    || !TryComponents(file, first, out var components))
                {
                    if (first is not { Kind: SectionKind.Status })
                    {
                        Problems.Add(new ContentProblem(file.Path, first?.Line ?? 1, "an incident starts with a status section"));
                    }
                    return;
                }
                var open = new OpenIncident(id, file.Front.Title ?? "", impact, status, first.Body, components, cause,
                    startedAt ?? first.StatedAt, first.StatedAt, first.NextUpdateBy, [.. file.Front.Components]);
                var request = new CreateIncidentRequest
                {
                    Id = id, Title = open.Title, Impact = impact.ToWord(), Status = first.Status, Body = first.Body,
                    Components = Words(first.Components), Cause = Request(file.Front), StartedAt = open.StartedAt, StatedAt = first.StatedAt,
                    NextUpdateBy = first.NextUpdateBy,
                };
                if (!await AppendAsync(file.Path, first.Line, open, author, new CreateIncidentValidator(Context()), request)
                        .ConfigureAwait(false))
                {
                    return;
                }
            }
            else if (TryFront(file, out var impact, out var startedAt, out var cause))
            {
                var incident = ledger.Current.Incidents[id];
                CompareRecorded(file, incident, impact, startedAt);
                if (cause is not null)
                {
                    await ReattributeAsync(file, incident, cause, author).ConfigureAwait(false);
                }
            }
            foreach (var section in file.Sections)
            {
                var incident = ledger.Current.Incidents[id];
                var recorded = FindRecorded(incident.AllPosts, incident.Postmortem, section);
                if (recorded is not null)
                {
                    CompareRecorded(file, section, recorded, isMaintenance: false);
                    continue;
                }
                var appended = section.Kind switch
                {
                    SectionKind.Status when TryWord<IncidentStatus>(file, section, section.Status, "status", out var status)
                                            && TryComponents(file, section, out var components) =>
                        AppendAsync(file.Path, section.Line,
                            new PostUpdate(id, status, section.Body, components, section.StatedAt, section.NextUpdateBy), author,
                            new PostUpdateValidator(Context()), new PostUpdateRequest
                            {
                                Status = section.Status, Body = section.Body, Components = Words(section.Components),
                                StatedAt = section.StatedAt, NextUpdateBy = section.NextUpdateBy,
                            }),
                    SectionKind.Postmortem => AppendAsync(file.Path, section.Line, new PublishPostmortem(id, section.Body, section.StatedAt),
                        author, new PostmortemValidator(Context()), new PostmortemRequest { Body = section.Body, StatedAt = section.StatedAt }),
                    SectionKind.Correction => CorrectAsync(file, section, incident.AllPosts, author),
                    SectionKind.ProviderStatus => ObserveAsync(file, section, id, author),
                    _ => Task.FromResult(false),
                };
                await appended.ConfigureAwait(false);
            }
        }

        private async Task MaintenanceAsync(ContentFile file, string id, string author)
        {
            if (ledger.Current.Maintenances.TryGetValue(id, out var existing))
            {
                CompareRecorded(file, existing);
            }
            else
            {
                var first = file.Sections.FirstOrDefault();
                if (first is not { Kind: SectionKind.Status, Status: "scheduled" })
                {
                    Problems.Add(new ContentProblem(file.Path, first?.Line ?? 1, "a maintenance starts with a 'scheduled' section"));
                    return;
                }
                if (!ContentFiles.TryParseTime(file.Front.ScheduledFor, out var from) || !ContentFiles.TryParseTime(file.Front.ScheduledUntil, out var until))
                {
                    Problems.Add(new ContentProblem(file.Path, 2, "scheduled_for and scheduled_until must be times like 2026-09-12T00:00:00Z"));
                    return;
                }
                var schedule = new ScheduleMaintenance(id, file.Front.Title ?? "", [.. file.Front.Components], from, until, first.Body,
                    first.StatedAt);
                var request = new ScheduleMaintenanceRequest
                {
                    Id = id, Title = schedule.Title, Components = [.. file.Front.Components], ScheduledFor = from, ScheduledUntil = until,
                    Body = first.Body,
                };
                if (!await AppendAsync(file.Path, first.Line, schedule, author, new ScheduleMaintenanceValidator(Context()), request)
                        .ConfigureAwait(false))
                {
                    return;
                }
            }
            foreach (var section in file.Sections)
            {
                var maintenance = ledger.Current.Maintenances[id];
                var recorded = FindRecorded(maintenance.Posts, null, section);
                if (recorded is not null)
                {
                    CompareRecorded(file, section, recorded, isMaintenance: true);
                    continue;
                }
                var appended = section.Kind switch
                {
                    SectionKind.Status when TryWord<MaintenanceStatus>(file, section, section.Status, "status", out var status)
                                            && TryComponents(file, section, out var components) =>
                        AppendAsync(file.Path, section.Line,
                            new PostMaintenanceUpdate(id, status, section.Body, section.Components is null ? null : components,
                                section.StatedAt), author,
                            new MaintenanceUpdateValidator(Context()), new MaintenanceUpdateRequest
                            {
                                Status = section.Status, Body = section.Body, Components = Words(section.Components), StatedAt = section.StatedAt,
                            }),
                    SectionKind.Correction => CorrectAsync(file, section, maintenance.Posts, author),
                    SectionKind.Postmortem => Unsupported(file, section, "a maintenance has no postmortem"),
                    SectionKind.ProviderStatus => Unsupported(file, section, "a provider's status is observed during an incident, not a maintenance"),
                    _ => Task.FromResult(false),
                };
                await appended.ConfigureAwait(false);
            }
        }

        private static Post? FindRecorded(ImmutableList<Post> posts, Post? postmortem, ContentSection section) => section.Kind switch
        {
            SectionKind.Status => posts.FirstOrDefault(p => p.IsStatusUpdate && p.StatedAt == section.StatedAt),
            SectionKind.Correction => posts.FirstOrDefault(p => p.Kind == PostKind.Correction && p.StatedAt == section.StatedAt),
            SectionKind.ProviderStatus => null,
            _ => postmortem?.StatedAt == section.StatedAt ? postmortem : null,
        };

        // A cause edited in the front matter is a new attribution, appended and reported; the earlier one stays on the page. The
        // file is compared with what it said last (not with the cause in force), so a cause set since through the API is not
        // overwritten at the next start by a file that did not change.
        private async Task ReattributeAsync(ContentFile file, Incident incident, CauseInput cause, string author)
        {
            var fromFile = incident.Causes.FindLast(a => a.Author == author)?.Cause ?? Cause.Unknown;
            if (Same(fromFile, cause) || Same(incident.Cause, cause))
            {
                return;
            }
            var before = incident.Causes.Count > 0 ? incident.Causes[^1] : null;
            var line = file.LineOf("cause");
            if (await AppendAsync(file.Path, line, new AttributeCause(incident.Id, cause), author, new CauseValidator(Context()),
                    Request(file.Front)!).ConfigureAwait(false)
                && ledger.Current.Incidents[incident.Id].Causes is { Count: > 0 } causes)
            {
                var was = before is null ? "no cause was recorded"
                    : $"{Words(before.Cause)} was recorded on {before.RecordedAt:yyyy-MM-dd HH:mm} UTC (ledger entry {before.Seq})";
                Problems.Add(new ContentProblem(file.Path, line,
                    $"cause is {Words(causes[^1].Cause)} in the file but {was}, and the file was changed since. The change is " +
                    $"recorded as a new attribution (ledger entry {causes[^1].Seq}); the incident page and its feed show both, " +
                    "the earlier one is kept."));
            }
        }

        private static bool Same(Cause recorded, CauseInput cause) =>
            recorded.Kind == cause.Kind && recorded.ProviderId == cause.Provider && recorded.Ticket == cause.Ticket;

        private static string Words(Cause cause) => cause.Kind switch
        {
            CauseKind.Upstream => $"upstream '{cause.ProviderId}'" + (cause.Ticket is { } t ? $" ticket '{t}'" : ""),
            _ => $"'{cause.Kind.ToWord()}'",
        };

        // The file changed after this update was recorded: keep the record, tell a person exactly what differs.
        private void CompareRecorded(ContentFile file, ContentSection section, Post recorded, bool isMaintenance)
        {
            var differences = new List<string>();
            if (section.Kind == SectionKind.Status && section.Status != recorded.Status?.Word)
            {
                differences.Add($"status is '{section.Status}' in the file but '{recorded.Status}' was recorded");
            }
            if (section.Kind == SectionKind.Status && ComponentsDifference(section, recorded, isMaintenance) is { } components)
            {
                differences.Add(components);
            }
            if (section.Kind == SectionKind.Status && !isMaintenance && section.NextUpdateBy != recorded.NextUpdateBy)
            {
                differences.Add($"next_update_by is {Time(section.NextUpdateBy)} in the file but {Time(recorded.NextUpdateBy)} was recorded");
            }
            if (section.Kind == SectionKind.Correction && (section.Reason ?? "").Trim() != recorded.Reason)
            {
                differences.Add($"reason is \"{Clip((section.Reason ?? "").Trim())}\" in the file but \"{Clip(recorded.Reason ?? "")}\" was recorded");
            }
            if (LedgerEntry.Sha256Hex(section.Body) != recorded.BodySha256.ToString())
            {
                differences.Add(recorded.Body is null ? "the text differs from the recorded (since redacted) text" : DescribeTextChange(recorded.Body, section.Body));
            }
            if (differences.Count > 0)
            {
                Problems.Add(new ContentProblem(file.Path, section.Line,
                    $"the update stated at {section.StatedAt:yyyy-MM-ddTHH:mm:ssZ} was already recorded " +
                    $"on {recorded.RecordedAt:yyyy-MM-dd HH:mm} UTC (ledger entry {recorded.Seq}) and the file was changed since: " +
                    $"{string.Join("; ", differences)}. The recorded history is kept and still served; " +
                    "to amend it, add a '## <time> correction <time of this update>' section."));
            }
        }

        // Compares the components line with the changes recorded, leaving out those the rules add by themselves: a resolve,
        // completion or cancellation returns the subject's components to operational, and a maintenance put in progress
        // without a components line puts its components under maintenance.
        private static string? ComponentsDifference(ContentSection section, Post recorded, bool isMaintenance)
        {
            var written = section.Components ?? ImmutableSortedDictionary<string, string>.Empty;
            var closing = section.Status is "resolved" or "completed" or "cancelled";
            var startsWithoutLine = isMaintenance && section.Components is null && section.Status == "in_progress";
            var explicitChanges = recorded.ComponentChanges
                .Where(c => written.ContainsKey(c.ComponentId)
                            || !(closing && c.NewStatus == ComponentStatus.Operational)
                            && !(startsWithoutLine && c.NewStatus == ComponentStatus.UnderMaintenance))
                .ToImmutableSortedDictionary(c => c.ComponentId, c => c.NewStatus.ToWord(), StringComparer.Ordinal);
            if (explicitChanges.Count == written.Count && explicitChanges.All(c => written.TryGetValue(c.Key, out var word) && word == c.Value))
            {
                return null;
            }
            return $"the components line is '{ComponentsLine(written)}' in the file but '{ComponentsLine(explicitChanges)}' was recorded";
        }

        private static string ComponentsLine(IEnumerable<KeyValuePair<string, string>> changes) =>
            changes.Any() ? "components: " + string.Join(", ", changes.Select(c => $"{c.Key}={c.Value}")) : "(none)";

        // What an edit of the front matter would have changed, reported per field at its line: the recorded values stay.
        private void CompareRecorded(ContentFile file, Incident incident, Impact impact, DateTimeOffset? startedAt)
        {
            var first = file.Sections.FirstOrDefault(s => s.Kind == SectionKind.Status);
            void Compare(string key, string written, string recorded) =>
                ReportFrontChange(file, "incident", incident.CreatedAt, key, written, recorded);
            Compare("title", Quote(file.Front.Title), Quote(incident.Title));
            Compare("impact", impact.ToWord(), incident.Impact.ToWord());
            if ((startedAt ?? first?.StatedAt) is { } started)
            {
                Compare("started_at", Time(started), Time(incident.StartedAt));
            }
            var affected = file.Front.Components.Union(first?.Components?.Keys ?? []);
            Compare("components", List(affected), List(incident.ComponentIds));
        }

        private void CompareRecorded(ContentFile file, Maintenance maintenance)
        {
            void Compare(string key, string written, string recorded) =>
                ReportFrontChange(file, "maintenance", maintenance.CreatedAt, key, written, recorded);
            Compare("title", Quote(file.Front.Title), Quote(maintenance.Title));
            Compare("components", List(file.Front.Components), List(maintenance.ComponentIds));
            if (ContentFiles.TryParseTime(file.Front.ScheduledFor, out var from))
            {
                Compare("scheduled_for", Time(from), Time(maintenance.ScheduledFor));
            }
            if (ContentFiles.TryParseTime(file.Front.ScheduledUntil, out var until))
            {
                Compare("scheduled_until", Time(until), Time(maintenance.ScheduledUntil));
            }
        }

        private void ReportFrontChange(ContentFile file, string subject, DateTimeOffset recordedAt, string key, string written, string recorded)
        {
            if (written != recorded)
            {
                Problems.Add(new ContentProblem(file.Path, file.LineOf(key),
                    $"{key} is {Clip(written)} in the file but {Clip(recorded)} was recorded with the {subject} on {recordedAt:yyyy-MM-dd HH:mm} UTC, " +
                    $"and the file was changed since. The recorded history is kept and still served; editing the file never " +
                    $"changes a recorded {key}."));
            }
        }

        private static string Quote(string? text) => $"\"{(text ?? "").Trim()}\"";

        private static string List(IEnumerable<string> ids) => $"[{string.Join(", ", ids.Distinct().Order(StringComparer.Ordinal))}]";

        private static string Time(DateTimeOffset? time) =>
            time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "(none)";

        private static string DescribeTextChange(string recorded, string file)
        {
            var a = recorded.Split('\n');
            var b = file.Split('\n');
            for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                var left = i < a.Length ? a[i] : "(nothing)";
                var right = i < b.Length ? b[i] : "(nothing)";
                if (left != right)
                {
                    return $"line {i + 1} of the text was \"{Clip(left)}\" and is now \"{Clip(right)}\"";
                }
            }
            return "the text differs in whitespace";
        }

        private static string Clip(string text) => text.Length > 80 ? text[..77] + "..." : text;

        private Task<bool> CorrectAsync(ContentFile file, ContentSection section, ImmutableList<Post> posts, string author)
        {
            var target = posts.FirstOrDefault(p => p.Kind != PostKind.Correction && p.StatedAt == section.Corrects);
            if (target is null)
            {
                Problems.Add(new ContentProblem(file.Path, section.Line,
                    $"there is no update stated at {section.Corrects:yyyy-MM-ddTHH:mm:ssZ} in this file to correct"));
                return Task.FromResult(false);
            }
            return AppendAsync(file.Path, section.Line, new CorrectPost(target.Id, section.Body, section.Reason ?? "", section.StatedAt),
                author, new CorrectionValidator(Context()),
                new CorrectionRequest { Body = section.Body, Reason = section.Reason ?? "", StatedAt = section.StatedAt });
        }

        // An example observation (content/README.md): the same domain rules as the provider watch's; one already recorded at
        // that time is compared, never replaced.
        private Task<bool> ObserveAsync(ContentFile file, ContentSection section, string incidentId, string author)
        {
            var observed = section.Observed!;
            if (section.Body.Length > 0)
            {
                Problems.Add(new ContentProblem(file.Path, section.Line, "a provider_status section has only indicator:, description: and " +
                    "source: lines; the text after them is ignored"));
            }
            if (ledger.Current.ProviderObservations.TryGetValue(incidentId, out var recorded)
                && recorded.Find(o => o.ProviderId == observed.Provider && o.ObservedAt == section.StatedAt) is { } same)
            {
                if (same.Indicator != observed.Indicator || same.Description != observed.Description || same.Source != observed.Source)
                {
                    Problems.Add(new ContentProblem(file.Path, section.Line, $"this provider_status was recorded on {Time(same.RecordedAt)} as " +
                        $"{same.Indicator} {Quote(same.Description)}; the file now differs, and the recorded observation stays as it was"));
                }
                return Task.FromResult(false);
            }
            return AppendAsync(file.Path, section.Line, new RecordProviderStatus(incidentId, observed.Provider, observed.Indicator ?? "",
                observed.Description ?? "", [], section.StatedAt, observed.Source ?? ""), author);
        }

        private Task<bool> Unsupported(ContentFile file, ContentSection section, string message)
        {
            Problems.Add(new ContentProblem(file.Path, section.Line, message));
            return Task.FromResult(false);
        }

        private WriteContext Context()
        {
            var state = ledger.Current;
            return new WriteContext(time.GetUtcNow(), state.Components.ContainsKey, state.Providers.ContainsKey, state.Groups.ContainsKey);
        }

        private static Dictionary<string, string>? Words(ImmutableSortedDictionary<string, string>? components) =>
            components?.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

        private static CauseRequest? Request(FrontMatter front) =>
            front.Cause is null ? null : new CauseRequest { Kind = front.Cause, Provider = front.Provider, Ticket = front.Ticket };

        private static ComponentRequest Request(SiteFile.ComponentYaml component, string? group) =>
            new() { Id = component.Id, Name = component.Name, Description = component.Description, Group = group, SlaTarget = component.Sla };

        private bool TryFront(ContentFile file, out Impact impact, out DateTimeOffset? startedAt, out CauseInput? cause)
        {
            var front = file.Front;
            startedAt = null;
            cause = null;
            if (!TryWord(file, null, front.Impact ?? "minor", "impact", out impact))
            {
                return false;
            }
            if (front.StartedAt is not null)
            {
                if (!ContentFiles.TryParseTime(front.StartedAt, out var started))
                {
                    Problems.Add(new ContentProblem(file.Path, 2, $"started_at '{front.StartedAt}' is not a time like 2026-06-14T01:56:00Z"));
                    return false;
                }
                startedAt = started;
            }
            if (front.Cause is not null)
            {
                if (!TryWord<CauseKind>(file, null, front.Cause, "cause", out var kind))
                {
                    return false;
                }
                cause = new CauseInput(kind, front.Provider, front.Ticket);
            }
            return true;
        }

        private bool TryComponents(ContentFile file, ContentSection section, out ImmutableSortedDictionary<string, ComponentStatus> components)
        {
            var builder = ImmutableSortedDictionary.CreateBuilder<string, ComponentStatus>(StringComparer.Ordinal);
            foreach (var (id, word) in section.Components ?? ImmutableSortedDictionary<string, string>.Empty)
            {
                if (!TryWord<ComponentStatus>(file, section, word, $"status of component '{id}'", out var status))
                {
                    components = ImmutableSortedDictionary<string, ComponentStatus>.Empty;
                    return false;
                }
                builder[id] = status;
            }
            components = builder.ToImmutable();
            return true;
        }

        private bool TryWord<TEnum>(ContentFile file, ContentSection? section, string? word, string what, out TEnum value)
            where TEnum : struct, Enum
        {
            if (WordsExtensions.TryParseWord(word, out value))
            {
                return true;
            }
            var allowed = string.Join(", ", Enum.GetValues<TEnum>().Select(v => v.ToWord()));
            Problems.Add(new ContentProblem(file.Path, section?.Line ?? 2, $"{what} '{word}' is not one of: {allowed}"));
            return false;
        }

        // The request validators first (the same rules as the API and the console), then the domain's; each problem names its rule.
        private async Task<bool> AppendAsync<TRequest>(string file, int line, HistoryCommand command, string author,
            IValidator<TRequest> validator, TRequest request)
        {
            if (ledger.Current.IsReadOnly)
            {
                return false;
            }
            var validation = await validator.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var failure in validation.Errors)
            {
                Problems.Add(new ContentProblem(file, line, $"{failure.ErrorMessage} ({failure.PropertyName}: {failure.ErrorCode})"));
            }
            return validation.IsValid && await AppendAsync(file, line, command, author).ConfigureAwait(false);
        }

        private async Task<bool> AppendAsync(string file, int line, HistoryCommand command, string author)
        {
            if (ledger.Current.IsReadOnly)
            {
                return false;
            }
            var result = await ledger.AppendAsync(command, author, cancellationToken).ConfigureAwait(false);
            if (result.Violation is { } violation)
            {
                Problems.Add(new ContentProblem(file, line, $"{violation.Message} ({violation.Field}: {violation.Rule})"));
                return false;
            }
            Appended += result.Entries.Length;
            return true;
        }
    }
}
