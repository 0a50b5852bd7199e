using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

public enum Indicator { None, Minor, Major, Critical, Maintenance, Unknown }

// The banner at the top of the page, derived from components, open incidents and maintenance in progress.
public sealed record OverallStatus(Indicator Indicator, string Description)
{
    public const string UnknownDescription = "Status unknown: history failed verification";

    public static OverallStatus Of(StatusSnapshot snapshot)
    {
        // A history cut off by a failed verification says nothing about now: no outage is derived from it.
        if (snapshot.IsReadOnly)
        {
            return new(Indicator.Unknown, UnknownDescription);
        }
        var statuses = snapshot.Components.Values.Select(c => c.Status).ToList();
        var worstImpact = snapshot.UnresolvedIncidents.Select(i => i.Impact).DefaultIfEmpty(Impact.None).Max();
        if (statuses.Contains(ComponentStatus.MajorOutage) || worstImpact == Impact.Critical)
        {
            return new(Indicator.Critical, "Major Service Outage");
        }
        if (statuses.Contains(ComponentStatus.PartialOutage) || worstImpact == Impact.Major)
        {
            return new(Indicator.Major, "Partial System Outage");
        }
        if (statuses.Contains(ComponentStatus.DegradedPerformance) || worstImpact == Impact.Minor
            || snapshot.UnresolvedIncidents.Any())
        {
            return new(Indicator.Minor, "Minor Service Outage");
        }
        if (statuses.Contains(ComponentStatus.UnderMaintenance)
            || snapshot.Maintenances.Values.Any(m => m.Status is MaintenanceStatus.InProgress or MaintenanceStatus.Verifying))
        {
            return new(Indicator.Maintenance, "Service Under Maintenance");
        }
        return new(Indicator.None, "All Systems Operational");
    }
}
