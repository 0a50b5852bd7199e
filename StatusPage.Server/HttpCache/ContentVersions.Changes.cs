using System.Globalization;
using StatusPage.Server.History;
using StatusPage.Server.Uptime;

namespace StatusPage.Server.HttpCache;

// Which addresses' versions a change of the ledger can have moved (issue 15: an increment visits what a post touched, not the
// 77,000 addresses of a 100,000-entry site). The inverse of SeqFor and MovesWithClock above: each rule there has its line here.
internal sealed partial class ContentVersions
{
    // The addresses (without language prefix, feeds and proofs included) whose version may differ from the one they had in
    // `before`, on the same local day in the same zone, leaving out the ones every increment decides anyway: the site-wide
    // addresses, and every address whose version named the head or moved with the clock. Null when the change reaches every
    // address of a kind (a component or provider declared again, the earliest start moved, an older ledger): decide them all.
    public HashSet<string>? ChangedSince(ContentVersions before, TimeZoneInfo zone, DateTimeOffset now)
    {
        var (old, current) = (before._snapshot, _snapshot);
        if (old.Head.Seq > current.Head.Seq || _namesSeq.Value != before._namesSeq.Value || _earliestSeq.Value != before._earliestSeq.Value)
        {
            return null;
        }
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var componentWritten = false;
        foreach (var subject in WrittenSince(old, current))
        {
            if (current.Incidents.TryGetValue(subject, out var incident))
            {
                IncidentChanged(changed, old.Incidents.GetValueOrDefault(subject), incident, before, zone, now);
            }
            else if (current.Maintenances.TryGetValue(subject, out var maintenance))
            {
                var earlier = old.Maintenances.GetValueOrDefault(subject);
                changed.UnionWith([$"/maintenance/{subject}", $"/maintenance/{subject}/proof.json"]);
                foreach (var component in ComponentsOf(maintenance).Concat(earlier is null ? [] : ComponentsOf(earlier)))
                {
                    ComponentChanged(changed, component);
                }
                MonthsChanged(changed, maintenance.ScheduledFor, maintenance.ScheduledFor, zone);
                if (earlier is not null)
                {
                    MonthsChanged(changed, earlier.ScheduledFor, earlier.ScheduledFor, zone);
                }
            }
            else if (current.Components.ContainsKey(subject))
            {
                // Its own status set directly: its pages, and every month's SLA statement reads every component's entries.
                ComponentChanged(changed, subject);
                componentWritten = true;
            }
            else if (current.Groups.ContainsKey(subject))
            {
                foreach (var component in current.Components.Values.Concat(old.Components.Values).Where(c => c.GroupId == subject))
                {
                    ComponentChanged(changed, component.Id);
                }
            }
            else if (current.Providers.ContainsKey(subject))
            {
                return null; // its name is on every incident page that names it
            }
            // Anything else (operators, tokens, keys, requests) shows only on pages that name the head.
        }
        var thisYear = Math.Min(TimeZoneInfo.ConvertTime(now, zone).Year, LocalYear.Last);
        if (componentWritten)
        {
            MonthsChanged(changed, DateTimeOffset.MinValue, now, zone, history: false);
        }
        // Downtime moved on some timeline: every provider's share of it (their pages and year pages).
        if (StatusChangesBefore(DateTimeOffset.MaxValue) != before.StatusChangesBefore(DateTimeOffset.MaxValue))
        {
            foreach (var provider in current.Providers.Keys)
            {
                changed.Add($"/providers/{provider}");
                ProviderYearsChanged(changed, provider, LocalYear.First, thisYear);
            }
        }
        // An incident opened or resolved moves the earliest unresolved start: the months and provider years between the two move
        // with the clock, or stop moving.
        var (a, b) = (before._earliestUnresolved.Value, _earliestUnresolved.Value);
        if (a != b)
        {
            var from = a < b ? a : b;
            MonthsChanged(changed, from, now, zone);
            foreach (var provider in current.Providers.Keys)
            {
                ProviderYearsChanged(changed, provider, LocalYear.Of(Clamp(from), zone), thisYear);
            }
        }
        return changed;
    }

    // The subjects of the entries appended since `old`: from the lineage of live appends when `old` is a recent ancestor (the
    // increment's case: a few subjects), otherwise read off every subject's last seq (at 100,000 entries ~9 ms after each post).
    private static IEnumerable<string> WrittenSince(StatusSnapshot old, StatusSnapshot current)
    {
        IEnumerable<string> All() => current.LastSeqBySubject.Where(s => s.Value > old.Head.Seq).Select(s => s.Key);
        if (SnapshotLineage.SubjectsSince(current, old) is not { } subjects)
        {
            return All();
        }
        var written = subjects.Where(s => current.LastSeqOf(s) > old.Head.Seq).ToHashSet(StringComparer.Ordinal);
        return SnapshotLineage.Checked(written, () => All().ToHashSet(StringComparer.Ordinal), (a, b) => a.SetEquals(b), "subjects written since");
    }

    // An incident's pages, its components', the months it spans and its providers' (and their year), as it was and as it is.
    private void IncidentChanged(HashSet<string> changed, Incident? earlier, Incident incident, ContentVersions before, TimeZoneInfo zone,
        DateTimeOffset now)
    {
        var id = incident.Id;
        changed.UnionWith([$"/incidents/{id}", $"/incidents/{id}/history.atom", $"/incidents/{id}/history.rss", $"/incidents/{id}/proof.json"]);
        Incident[] versions = earlier is null ? [incident] : [earlier, incident];
        foreach (var version in versions)
        {
            foreach (var component in Facts(version).Components)
            {
                ComponentChanged(changed, component);
            }
            MonthsChanged(changed, version.StartedAt, version.ResolvedAt ?? now, zone);
            var year = LocalYear.Of(version.StartedAt, zone);
            foreach (var provider in (ReferenceEquals(version, earlier) ? before : this).ProvidersOf(version))
            {
                changed.Add($"/providers/{provider}");
                ProviderYearsChanged(changed, provider, year, year);
            }
        }
    }

    private static void ProviderYearsChanged(HashSet<string> changed, string provider, int first, int last)
    {
        for (var year = first; year <= last; year++)
        {
            changed.Add(string.Create(CultureInfo.InvariantCulture, $"/providers/{provider}/{year}"));
        }
    }

    private static void ComponentChanged(HashSet<string> changed, string component) => changed.UnionWith([$"/components/{component}",
        $"/components/{component}/history.atom", $"/components/{component}/history.rss", $"/components/{component}/badge.svg"]);

    // The history and SLA pages of the months from `from`'s to `to`'s (within the months that have pages).
    private static void MonthsChanged(HashSet<string> changed, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, bool history = true)
    {
        var last = Min(MonthOf(to, zone), LastMonth);
        for (var month = Max(MonthOf(from, zone), FirstMonth); month <= last; month = month.AddMonths(1))
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{month.Year}/{month.Month:00}");
            changed.Add("/sla/" + path);
            if (history)
            {
                changed.Add("/history/" + path);
            }
        }
    }

    private static DateTimeOffset Clamp(DateTimeOffset time) =>
        time.UtcDateTime.Year < LocalYear.First ? new DateTimeOffset(LocalYear.First, 1, 1, 0, 0, 0, TimeSpan.Zero) : time;
}
