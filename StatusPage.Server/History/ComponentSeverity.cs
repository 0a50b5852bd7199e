using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// How bad a component status is, for "the worst status" of a day (uptime bars) or of a group (the v2 API).
internal static class ComponentSeverity
{
    public static int Of(ComponentStatus status) => status switch
    {
        ComponentStatus.Operational => 0,
        ComponentStatus.UnderMaintenance => 1,
        ComponentStatus.DegradedPerformance => 2,
        ComponentStatus.PartialOutage => 3,
        _ => 4,
    };
}
