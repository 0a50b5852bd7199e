using System.Text.Json;
using System.Text.RegularExpressions;

namespace StatusPage.Tests.Http;

// The Statuspage v2 golden shapes (STATUSPAGE_V2.md): exact keys, JSON kinds, enums and nullability of each object.
public static partial class V2Shape
{
    public static readonly string[] PageKeys = ["id", "name", "url", "time_zone", "updated_at"];

    public static readonly string[] ComponentKeys =
    [
        "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date", "group_id",
        "page_id", "group", "only_show_if_degraded",
    ];

    public static readonly string[] IncidentKeys =
    [
        "id", "name", "status", "impact", "created_at", "updated_at", "started_at", "monitoring_at", "resolved_at", "shortlink",
        "page_id", "incident_updates", "components",
    ];

    public static readonly string[] UpdateKeys =
    [
        "id", "incident_id", "status", "body", "created_at", "updated_at", "display_at", "affected_components",
        "deliver_notifications", "custom_tweet", "tweet_id",
    ];

    public static readonly string[] ComponentStatuses =
        ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"];

    public static readonly string[] IncidentStatuses = ["investigating", "identified", "monitoring", "resolved", "postmortem"];

    public static readonly string[] MaintenanceStatuses = ["scheduled", "in_progress", "verifying", "completed"];

    public static readonly string[] Impacts = ["none", "minor", "major", "critical"];

    public static void Page(JsonElement page, string pageId)
    {
        Keys(page, PageKeys);
        Text(page, "id");
        Assert.Equal(pageId, page.GetProperty("id").GetString());
        Text(page, "name");
        Assert.StartsWith("https://", page.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.NotNull(TimeZoneInfo.FindSystemTimeZoneById(page.GetProperty("time_zone").GetString()!));
        Time(page, "updated_at");
    }

    public static void Status(JsonElement status)
    {
        Keys(status, ["indicator", "description"]);
        Assert.Contains(status.GetProperty("indicator").GetString(), Impacts);
        Text(status, "description");
    }

    public static void Component(JsonElement c, string pageId)
    {
        var isGroup = c.GetProperty("group").GetBoolean();
        Keys(c, isGroup ? [.. ComponentKeys, "components"] : ComponentKeys);
        Text(c, "id");
        Text(c, "name");
        Assert.Contains(c.GetProperty("status").GetString(), ComponentStatuses);
        Time(c, "created_at");
        Time(c, "updated_at");
        Assert.Equal(JsonValueKind.Number, c.GetProperty("position").ValueKind);
        Assert.True(c.GetProperty("position").TryGetInt32(out _));
        TextOrNull(c, "description");
        Assert.Contains(c.GetProperty("showcase").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        var startDate = c.GetProperty("start_date");
        Assert.True(startDate.ValueKind == JsonValueKind.Null || DateRegex().IsMatch(startDate.GetString()!));
        TextOrNull(c, "group_id");
        Assert.Equal(pageId, c.GetProperty("page_id").GetString());
        Assert.Contains(c.GetProperty("only_show_if_degraded").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        if (isGroup)
        {
            Assert.Equal(JsonValueKind.Null, c.GetProperty("group_id").ValueKind);
            Assert.All(c.GetProperty("components").EnumerateArray(), id => Assert.Equal(JsonValueKind.String, id.ValueKind));
        }
    }

    public static void Incident(JsonElement i, string pageId, bool maintenance)
    {
        Keys(i, maintenance ? [.. IncidentKeys, "scheduled_for", "scheduled_until"] : IncidentKeys);
        Text(i, "id");
        Text(i, "name");
        var statuses = maintenance ? MaintenanceStatuses : IncidentStatuses;
        Assert.Contains(i.GetProperty("status").GetString(), statuses);
        Assert.Contains(i.GetProperty("impact").GetString(), maintenance ? ["maintenance"] : Impacts);
        Time(i, "created_at");
        Time(i, "updated_at");
        Time(i, "started_at");
        TimeOrNull(i, "monitoring_at");
        TimeOrNull(i, "resolved_at");
        Assert.StartsWith("https://", i.GetProperty("shortlink").GetString(), StringComparison.Ordinal);
        Assert.Equal(pageId, i.GetProperty("page_id").GetString());
        if (maintenance)
        {
            Time(i, "scheduled_for");
            Time(i, "scheduled_until");
        }
        var id = i.GetProperty("id").GetString();
        foreach (var u in i.GetProperty("incident_updates").EnumerateArray())
        {
            Update(u, id!, statuses);
        }
        foreach (var c in i.GetProperty("components").EnumerateArray())
        {
            Component(c, pageId);
        }
    }

    public static void Update(JsonElement u, string incidentId, string[] statuses)
    {
        Keys(u, UpdateKeys);
        Text(u, "id");
        Assert.Equal(incidentId, u.GetProperty("incident_id").GetString());
        Assert.Contains(u.GetProperty("status").GetString(), statuses);
        Assert.Equal(JsonValueKind.String, u.GetProperty("body").ValueKind);
        Time(u, "created_at");
        Time(u, "updated_at");
        Time(u, "display_at");
        var affected = u.GetProperty("affected_components");
        if (affected.ValueKind != JsonValueKind.Null)
        {
            Assert.NotEqual(0, affected.GetArrayLength());
            foreach (var a in affected.EnumerateArray())
            {
                Keys(a, ["code", "name", "old_status", "new_status"]);
                Text(a, "code");
                Text(a, "name");
                Assert.Contains(a.GetProperty("old_status").GetString(), ComponentStatuses);
                Assert.Contains(a.GetProperty("new_status").GetString(), ComponentStatuses);
            }
        }
        Assert.Equal(JsonValueKind.True, u.GetProperty("deliver_notifications").ValueKind);
        Assert.Equal(JsonValueKind.Null, u.GetProperty("custom_tweet").ValueKind);
        Assert.Equal(JsonValueKind.Null, u.GetProperty("tweet_id").ValueKind);
    }

    public static void Keys(JsonElement element, IEnumerable<string> expected)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        Assert.Equal(expected.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    public static bool IsTime(string? text) => text is not null && TimeRegex().IsMatch(text);

    private static void Text(JsonElement e, string name)
    {
        Assert.Equal(JsonValueKind.String, e.GetProperty(name).ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(e.GetProperty(name).GetString()), name);
    }

    private static void TextOrNull(JsonElement e, string name) =>
        Assert.Contains(e.GetProperty(name).ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });

    private static void Time(JsonElement e, string name) =>
        Assert.True(IsTime(e.GetProperty(name).GetString()), $"{name} = {e.GetProperty(name)} is not ISO 8601 with milliseconds");

    private static void TimeOrNull(JsonElement e, string name)
    {
        if (e.GetProperty(name).ValueKind != JsonValueKind.Null)
        {
            Time(e, name);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex TimeRegex();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateRegex();
}
