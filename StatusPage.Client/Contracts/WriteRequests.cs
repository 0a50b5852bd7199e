namespace StatusPage.Client.Contracts;

// Request bodies of the write API (/api/v1), shared with the console's forms. JSON is snake_case; enum words are strings
// so a wrong word gets a validation message naming the field, not a parser error.

public sealed class CauseRequest
{
    public string? Kind { get; set; }

    public string? Provider { get; set; }

    public string? Ticket { get; set; }
}

public sealed class CreateIncidentRequest
{
    // Optional: derived from the date and the title when absent.
    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Impact { get; set; }

    public string? Status { get; set; }

    public string? Body { get; set; }

    public Dictionary<string, string>? Components { get; init; }

    public CauseRequest? Cause { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? StatedAt { get; set; }

    public DateTimeOffset? NextUpdateBy { get; set; }
}

public sealed class PostUpdateRequest
{
    public string? Status { get; set; }

    public string? Body { get; set; }

    public Dictionary<string, string>? Components { get; init; }

    public DateTimeOffset? StatedAt { get; set; }

    public DateTimeOffset? NextUpdateBy { get; set; }
}

// Resolve is an update whose status is resolved; components left degraded by the incident return to operational.
public sealed class ResolveIncidentRequest
{
    public string? Body { get; set; }

    public Dictionary<string, string>? Components { get; init; }

    public DateTimeOffset? StatedAt { get; set; }
}

public sealed class ReopenIncidentRequest
{
    public string? Status { get; set; }

    public string? Body { get; set; }

    public Dictionary<string, string>? Components { get; init; }

    public DateTimeOffset? StatedAt { get; set; }
}

public sealed class CorrectionRequest
{
    public string? Body { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? StatedAt { get; set; }
}

public sealed class RedactionRequest
{
    public string? Reason { get; set; }
}

public sealed class PostmortemRequest
{
    public string? Body { get; set; }

    public DateTimeOffset? StatedAt { get; set; }
}

public sealed class ComponentStatusRequest
{
    public string? Status { get; set; }

    public DateTimeOffset? StatedAt { get; set; }
}

public sealed class ScheduleMaintenanceRequest
{
    // Optional: derived from the start date and the title when absent.
    public string? Id { get; set; }

    public string? Title { get; set; }

    public List<string>? Components { get; init; }

    public DateTimeOffset? ScheduledFor { get; set; }

    public DateTimeOffset? ScheduledUntil { get; set; }

    public string? Body { get; set; }
}

public sealed class MaintenanceUpdateRequest
{
    public string? Status { get; set; }

    public string? Body { get; set; }

    public Dictionary<string, string>? Components { get; init; }

    public DateTimeOffset? StatedAt { get; set; }
}

public sealed class PreviewRequest
{
    public string? Body { get; set; }
}

public sealed class SignInRequest
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}

public sealed class CreateOperatorRequest
{
    public string? Username { get; set; }

    public string? Role { get; set; }

    // Optional: a random one-time password is generated and returned once when absent.
    public string? Password { get; set; }
}

public sealed class SetPasswordRequest
{
    public string? Password { get; set; }
}

public sealed class CreateTokenRequest
{
    public string? Name { get; set; }

    // Admins may create a token for another operator; by default the token acts as its creator.
    public string? Operator { get; set; }
}

// A component as an admin declares or changes it; "group" is a group id, "" removes it from its group.
public sealed class ComponentRequest
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Group { get; set; }

    public string? Description { get; set; }

    public decimal? SlaTarget { get; set; }
}

public sealed class SetRoleRequest
{
    public string? Role { get; set; }
}

// Responses of the write API.
public sealed record IncidentCreated(string Id, string UpdateId);

public sealed record MaintenanceCreated(string Id, string UpdateId);

public sealed record EntryCreated(string Id);

public sealed record PreviewResponse(string Html);

public sealed record OperatorAccountCreated(string Username, string Role, string? Password);

public sealed record TokenCreated(string Id, string Name, string Operator, string Token);

// MustChangePassword: signed in with a one-time password, which must be changed before anything else.
public sealed record SessionInfo(string Username, string Role, string AntiforgeryToken, bool MustChangePassword = false);
