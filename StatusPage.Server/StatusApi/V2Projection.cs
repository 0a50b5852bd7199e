using System.Security.Cryptography;
using System.Text;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.StatusApi;

// Maps the read model onto Statuspage's v2 shapes. Recorded time is created_at, stated time is display_at (v2 has no other place for it).
internal sealed class V2Projection(StatusSnapshot snapshot, SiteSettings site)
{
    public const int MostRecent = 50;

    private readonly string _pageId = PageIdOf(site);

    // Like Statuspage's own payloads, the page url has no trailing slash.
    public V2Page Page() =>
        new(_pageId, site.Name, SiteLinks.Absolute(site, "").AbsoluteUri.TrimEnd('/'), IanaName(site.TimeZone), Time(LastChange()));

    public V2Status Status()
    {
        var overall = OverallStatus.Of(snapshot);
        // v2 knows four indicators; maintenance is not an outage, and the description still says it. An unverified history
        // has no "unknown" in the enum: "minor" asks for attention without claiming an outage; the description says why.
        var indicator = overall.Indicator switch
        {
            Indicator.Maintenance => Indicator.None,
            Indicator.Unknown => Indicator.Minor,
            var other => other,
        };
        return new(indicator.ToWord(), overall.Description);
    }

    // Present only when the history failed verification (v2 clients tolerate an extra key; a verified answer keeps the exact shape).
    public V2Integrity? Integrity() => snapshot.IntegrityProblem is { } problem
        ? new V2Integrity(false, problem, snapshot.Head.Seq, snapshot.Head.Hash)
        : null;

    // Display order: each group followed by its members, as positions in site.yml give them.
    public IReadOnlyList<V2Component> Components()
    {
        var members = snapshot.ComponentsInOrder.Where(c => c.GroupId is not null).ToLookup(c => c.GroupId!);
        var topLevel = snapshot.Groups.Values.Select(g => (g.Position, g.Name, Group: (ComponentGroup?)g, Component: (ServiceComponent?)null))
            .Concat(snapshot.ComponentsInOrder.Where(c => c.GroupId is null || !snapshot.Groups.ContainsKey(c.GroupId))
                .Select(c => (c.Position, c.Name, Group: (ComponentGroup?)null, Component: (ServiceComponent?)c)))
            .OrderBy(t => t.Position).ThenBy(t => t.Name, StringComparer.Ordinal);
        var list = new List<V2Component>();
        foreach (var (_, _, group, component) in topLevel)
        {
            if (group is not null)
            {
                list.Add(GroupOf(group, [.. members[group.Id]]));
                list.AddRange(members[group.Id].Select(ComponentOf));
            }
            else
            {
                list.Add(ComponentOf(component!));
            }
        }
        return list;
    }

    public IReadOnlyList<V2Incident> AllIncidents() =>
        [.. snapshot.IncidentsNewestFirst.Take(MostRecent).Select(IncidentOf)];

    // The "now" views (unresolved incidents, upcoming and active maintenance) are empty over an unverified history: what is
    // open in a cut-off view may have been resolved in the part that failed. The full lists keep the verified record.
    public IReadOnlyList<V2Incident> UnresolvedIncidents() =>
        snapshot.IsReadOnly ? [] : [.. snapshot.UnresolvedIncidents.Select(IncidentOf)];

    public IReadOnlyList<V2Incident> AllMaintenances() =>
        [.. snapshot.Maintenances.Values.OrderByDescending(m => m.ScheduledFor).ThenBy(m => m.Id, StringComparer.Ordinal)
            .Take(MostRecent).Select(MaintenanceOf)];

    public IReadOnlyList<V2Incident> UpcomingMaintenances() => Maintenances(MaintenanceStatus.Scheduled);

    public IReadOnlyList<V2Incident> ActiveMaintenances() => Maintenances(MaintenanceStatus.InProgress, MaintenanceStatus.Verifying);

    public IReadOnlyList<V2Incident> UpcomingAndActiveMaintenances() =>
        Maintenances(MaintenanceStatus.Scheduled, MaintenanceStatus.InProgress, MaintenanceStatus.Verifying);

    public V2Incident? Incident(string id) => snapshot.Incidents.TryGetValue(id, out var incident) ? IncidentOf(incident) : null;

    public V2Incident? Maintenance(string id) => snapshot.Maintenances.TryGetValue(id, out var m) ? MaintenanceOf(m) : null;

    public static string Time(DateTimeOffset time) => LedgerEntry.FormatTime(time);

    // Statuspage page ids are 12 lowercase base-32 characters; derive a stable one from the site address.
    public static string PageIdOf(SiteSettings site)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(site.Url.AbsoluteUri));
        return string.Concat(hash.Take(12).Select(Base32.Of));
    }

    // Of the maintenances not yet completed or cancelled (every status these lists ask for), in schedule order.
    private IReadOnlyList<V2Incident> Maintenances(params MaintenanceStatus[] statuses) => snapshot.IsReadOnly ? [] :
        [.. snapshot.MaintenancesNotDone.Where(m => statuses.Contains(m.Status)).Select(MaintenanceOf)];

    public DateTimeOffset LastChange()
    {
        var times = snapshot.Components.Values.Select(c => c.Changes.IsEmpty ? c.UpdatedAt : Max(c.UpdatedAt, c.Changes[^1].At))
            .Concat(snapshot.Groups.Values.Select(g => g.UpdatedAt))
            .Concat(new[] { snapshot.LatestIncidentUpdate, snapshot.LatestMaintenanceUpdate }.OfType<DateTimeOffset>());
        return times.DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
    }

    private V2Component ComponentOf(ServiceComponent c) => new(
        c.Id, c.Name, c.Status.ToWord(), Time(c.CreatedAt),
        Time(c.Changes.IsEmpty ? c.UpdatedAt : Max(c.UpdatedAt, c.Changes[^1].At)),
        c.Position, c.Description, Showcase: true, StartDate: null,
        c.GroupId is not null && snapshot.Groups.ContainsKey(c.GroupId) ? c.GroupId : null,
        _pageId, Group: false, OnlyShowIfDegraded: false, Components: null);

    private V2Component GroupOf(ComponentGroup g, IReadOnlyList<ServiceComponent> members)
    {
        var worst = members.Select(m => m.Status).DefaultIfEmpty(ComponentStatus.Operational).MaxBy(ComponentSeverity.Of);
        var updated = members.Select(m => m.Changes.IsEmpty ? m.UpdatedAt : Max(m.UpdatedAt, m.Changes[^1].At))
            .Append(g.UpdatedAt).Max();
        return new(g.Id, g.Name, worst.ToWord(), Time(g.CreatedAt), Time(updated), g.Position, Description: null,
            Showcase: false, StartDate: null, GroupId: null, _pageId, Group: true, OnlyShowIfDegraded: false,
            [.. members.Select(m => m.Id)]);
    }

    private V2Incident IncidentOf(Incident incident)
    {
        var status = incident.Status == IncidentStatus.Resolved && incident.Postmortem is not null
            ? "postmortem"
            : incident.Status.ToWord();
        var updates = new List<(Post Post, string Status)>();
        var current = IncidentStatus.Investigating;
        foreach (var post in incident.AllPosts)
        {
            if (post.IsStatusUpdate && post.Status?.Incident is { } set)
            {
                current = set;
            }
            updates.Add((post, post.Kind == PostKind.Postmortem ? "postmortem" : current.ToWord()));
        }
        return new V2Incident(incident.Id, incident.Title, status, incident.Impact.ToWord(), Time(incident.CreatedAt),
            Time(incident.UpdatedAt), Time(incident.StartedAt), OptionalTime(incident.MonitoringAt), OptionalTime(incident.ResolvedAt),
            SiteLinks.Incident(site, incident.Id).AbsoluteUri, _pageId, UpdatesOf(incident.Id, incident.AllPosts, updates),
            ComponentsOf(incident.ComponentIds));
    }

    private V2Incident MaintenanceOf(Maintenance m)
    {
        var updates = new List<(Post Post, string Status)>();
        var current = MaintenanceStatus.Scheduled;
        foreach (var post in m.Posts)
        {
            if (post.IsStatusUpdate && post.Status?.Maintenance is { } set)
            {
                current = set;
            }
            updates.Add((post, MaintenanceWord(current)));
        }
        var lastStatusPost = m.Posts.LastOrDefault(p => p.IsStatusUpdate);
        var resolvedAt = m.Status.IsTerminal() ? lastStatusPost?.StatedAt : null;
        return new V2Incident(m.Id, m.Title, MaintenanceWord(m.Status), "maintenance", Time(m.CreatedAt), Time(m.UpdatedAt),
            Time(m.ScheduledFor), MonitoringAt: null, OptionalTime(resolvedAt), SiteLinks.Maintenance(site, m.Id).AbsoluteUri, _pageId,
            UpdatesOf(m.Id, m.Posts, updates), ComponentsOf(m.ComponentIds), Time(m.ScheduledFor), Time(m.ScheduledUntil));
    }

    // v2 has no "cancelled": a cancelled window is over, like a completed one, and its last update says why.
    private static string MaintenanceWord(MaintenanceStatus status) =>
        status == MaintenanceStatus.Cancelled ? MaintenanceStatus.Completed.ToWord() : status.ToWord();

    private List<V2IncidentUpdate> UpdatesOf(string subjectId, IReadOnlyList<Post> timeline, List<(Post Post, string Status)> updates) =>
        [.. updates.OrderByDescending(u => u.Post.StatedAt).ThenByDescending(u => u.Post.Seq).Select(u => new V2IncidentUpdate(
            u.Post.Id, subjectId, u.Status, PostText.BodyOf(u.Post, timeline), Time(u.Post.RecordedAt),
            Time(u.Post.Redaction?.RecordedAt ?? u.Post.RecordedAt), Time(u.Post.StatedAt), AffectedOf(u.Post),
            DeliverNotifications: true, CustomTweet: null, TweetId: null))];

    private List<V2AffectedComponent>? AffectedOf(Post post) =>
        post.ComponentChanges.IsDefaultOrEmpty
            ? null
            : [.. post.ComponentChanges.Select(c => new V2AffectedComponent(c.ComponentId,
                snapshot.Components.TryGetValue(c.ComponentId, out var component) ? component.Name : c.ComponentId,
                c.OldStatus.ToWord(), c.NewStatus.ToWord()))];

    private List<V2Component> ComponentsOf(IEnumerable<string> ids) =>
        [.. ids.Where(snapshot.Components.ContainsKey).Select(id => ComponentOf(snapshot.Components[id]))];

    private static string? OptionalTime(DateTimeOffset? time) => time is { } t ? Time(t) : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string IanaName(TimeZoneInfo zone) =>
        zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : "Etc/UTC";
}
