using System.Text.RegularExpressions;

namespace StatusPage.Client.Contracts;

// How the API answers a refusal: the kind alone decides the HTTP status (the server's Problems maps each kind to one).
public enum RuleKind
{
    Invalid,              // 400, per field: a request body or a content file breaks a field rule
    NotFound,             // 404: the path (or the command) names something that does not exist
    MethodNotAllowed,     // 405: the path exists, the method does not
    Conflict,             // 409: well-formed, but the current state refuses it
    ReadOnly,             // 503: the history is read-only (integrity problem)
    StorageUnavailable,   // 507: the data file cannot be written
    Unprocessable,        // 422: well-formed, but cannot be processed as sent (an Idempotency-Key reused for another request)
    Malformed,            // 400, the request as a whole: not JSON, empty, no antiforgery token
    Unauthorized,         // 401
    Forbidden,            // 403
    UnsupportedMediaType, // 415
    TooLarge,             // 413
    ServerError,          // 500: the server failed, not the request
}

// A rule as the API names it ("rule" in a problem response) and how breaking it is answered.
public sealed record Rule(string Code, RuleKind Kind);

// The rules the console, the API, the domain and content ingestion share, each with its user-facing message, written once.
// The same code can appear with two kinds: a component named in a body is a field error, one named in the path is not found.
public static partial class RuleCatalogue
{
    // \z, not $: in .NET "$" also matches before a final newline, and "demo-id\n" must not pass as an id.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z")]
    private static partial Regex UsernamePattern();

    public static bool IsId(string? id) => id is { Length: > 0 and <= Limits.IdMaxLength } && IdPattern().IsMatch(id);

    public static bool IsUsername(string? name) => name is { Length: > 0 and <= Limits.UsernameMaxLength } && UsernamePattern().IsMatch(name);

    // Field rules (400).
    public static readonly Rule Required = new("required", RuleKind.Invalid);
    public static readonly Rule MaxLength = new("max_length", RuleKind.Invalid);
    public static readonly Rule MinLength = new("min_length", RuleKind.Invalid);
    public static readonly Rule CleanText = new(SafeText.Rule, RuleKind.Invalid);
    public static readonly Rule OneOf = new("one_of", RuleKind.Invalid);
    public static readonly Rule IdFormat = new("id_format", RuleKind.Invalid);
    public static readonly Rule UsernameFormat = new("username_format", RuleKind.Invalid);
    public static readonly Rule NotInFuture = new("not_in_future", RuleKind.Invalid);
    public static readonly Rule MinTime = new(TimeRules.MinTime, RuleKind.Invalid);
    public static readonly Rule MaxTime = new(TimeRules.MaxTime, RuleKind.Invalid);
    public static readonly Rule KnownComponent = new("known_component", RuleKind.Invalid);
    public static readonly Rule KnownGroup = new("known_group", RuleKind.Invalid);
    public static readonly Rule KnownProvider = new("known_provider", RuleKind.Invalid);
    public static readonly Rule UpstreamOnly = new("upstream_only", RuleKind.Invalid);
    public static readonly Rule NotAfterFirstUpdate = new("not_after_first_update", RuleKind.Invalid);
    public static readonly Rule ReopenStatus = new("reopen_status", RuleKind.Invalid);
    public static readonly Rule NoneWhenResolved = new("none_when_resolved", RuleKind.Invalid);
    public static readonly Rule AfterUpdate = new("after_update", RuleKind.Invalid);
    public static readonly Rule AfterScheduledFor = new("after_scheduled_for", RuleKind.Invalid);
    public static readonly Rule Percentage = new("percentage", RuleKind.Invalid);
    public static readonly Rule AbsoluteHttpUrl = new("absolute_http_url", RuleKind.Invalid);
    public static readonly Rule NoCredentials = new("no_credentials", RuleKind.Invalid);
    public static readonly Rule PublicAddress = new("public_address", RuleKind.Invalid);
    public static readonly Rule CorrectTheOriginal = new("correct_the_original", RuleKind.Invalid);
    public static readonly Rule NotBeforeCorrectedUpdate = new("not_before_corrected_update", RuleKind.Invalid);
    public static readonly Rule NotBeforeStart = new("not_before_start", RuleKind.Invalid);
    public static readonly Rule NotBeforeLatestUpdate = new("not_before_latest_update", RuleKind.Invalid);
    public static readonly Rule ValidVerifierKey = new("valid_verifier_key", RuleKind.Invalid);
    public static readonly Rule SameOrigin = new("same_origin", RuleKind.Invalid);
    public static readonly Rule DuringIncident = new("during_incident", RuleKind.Invalid);

    // What a path (or a command) names must exist (404).
    public static readonly Rule IncidentNotFound = new("known_incident", RuleKind.NotFound);
    public static readonly Rule UpdateNotFound = new("known_update", RuleKind.NotFound);
    public static readonly Rule MaintenanceNotFound = new("known_maintenance", RuleKind.NotFound);
    public static readonly Rule ComponentNotFound = new("known_component", RuleKind.NotFound);
    public static readonly Rule WebhookNotFound = new("known_webhook", RuleKind.NotFound);
    public static readonly Rule TokenNotFound = new("known_token", RuleKind.NotFound);
    public static readonly Rule OperatorNotFound = new("known_operator", RuleKind.NotFound);

    // The current state refuses (409).
    public static readonly Rule UniqueId = new("unique_id", RuleKind.Conflict);
    public static readonly Rule ValidTransition = new("valid_transition", RuleKind.Conflict);
    public static readonly Rule ResolvedIncidentRequiresReopen = new("resolved_incident_requires_reopen", RuleKind.Conflict);
    public static readonly Rule OnlyResolvedReopens = new("only_resolved_reopens", RuleKind.Conflict);
    public static readonly Rule NotAlreadyRedacted = new("not_already_redacted", RuleKind.Conflict);
    public static readonly Rule PostmortemAfterResolve = new("postmortem_after_resolve", RuleKind.Conflict);
    public static readonly Rule OnePostmortem = new("one_postmortem", RuleKind.Conflict);
    public static readonly Rule MaintenanceClosed = new("maintenance_closed", RuleKind.Conflict);
    public static readonly Rule UniqueUsername = new("unique_username", RuleKind.Conflict);
    public static readonly Rule UniqueToken = new("unique_token", RuleKind.Conflict);
    public static readonly Rule NotAlreadyRevoked = new("not_already_revoked", RuleKind.Conflict);
    public static readonly Rule OperatorDisabled = new("operator_disabled", RuleKind.Conflict);
    public static readonly Rule KeepOneAdmin = new("keep_one_admin", RuleKind.Conflict);
    public static readonly Rule NewKey = new("new_key", RuleKind.Conflict);

    // A write sent again with its Idempotency-Key: the same request is answered as before, another request is refused.
    public static readonly Rule IdempotencyReplay = new("idempotency_replay", RuleKind.Conflict);
    public static readonly Rule IdempotencyKeyReused = new("idempotency_key_reused", RuleKind.Unprocessable);

    // The history as a whole refuses the write: an integrity problem made it read-only, or the data file cannot be written.
    public static readonly Rule LedgerReadOnly = new("ledger_read_only", RuleKind.ReadOnly);
    public static readonly Rule StorageUnavailable = new("storage_unavailable", RuleKind.StorageUnavailable);

    // The request as a whole, before any field is read.
    public static readonly Rule Json = new("json", RuleKind.Malformed);
    public static readonly Rule JsonBodyRequired = new("required", RuleKind.Malformed);
    public static readonly Rule JsonContentType = new("json_content_type", RuleKind.UnsupportedMediaType);
    public static readonly Rule MaxRequestBytes = new("max_request_bytes", RuleKind.TooLarge);
    public static readonly Rule SelfOrAdmin = new("self_or_admin", RuleKind.Forbidden);
    public static readonly Rule ValidCredentials = new("valid_credentials", RuleKind.Unauthorized);
    public static readonly Rule InRange = new("range", RuleKind.Malformed);
    public static readonly Rule Antiforgery = new("antiforgery", RuleKind.Malformed);
    public static readonly Rule Authenticated = new("authenticated", RuleKind.Unauthorized);
    public static readonly Rule RoleAllows = new("role_allows", RuleKind.Forbidden);

    // What no endpoint answers itself: an unknown path, a wrong method, a request the framework refused, a failure.
    public static readonly Rule KnownRoute = new("known_route", RuleKind.NotFound);
    public static readonly Rule AllowedMethod = new("allowed_method", RuleKind.MethodNotAllowed);
    public static readonly Rule ValidRequest = new("valid_request", RuleKind.Malformed);
    public static readonly Rule ServerError = new("server_error", RuleKind.ServerError);

    // The messages, in the words an operator reads in the console, the API and content ingestion.
    public static string NotEmpty(string field) => $"The {field} must not be empty.";

    public static string IsRequired(string field) => $"The {field} is required.";

    public static string AtMost(string field, int maxLength) => $"The {field} must be at most {maxLength} characters.";

    public static string AtLeast(string field, int minLength) => $"The {field} must be at least {minLength} characters.";

    public static string OneOfWords<TEnum>(string field) where TEnum : struct, Enum => $"The {field} must be one of: {Words<TEnum>()}.";

    public static string ComponentStatusOneOf => $"A component status is one of: {Words<ComponentStatus>()}.";

    public static string IdFormatMessage => $"An id is 1 to {Limits.IdMaxLength} lowercase letters, digits and dashes.";

    public static string UsernameFormatMessage =>
        $"A username is 1 to {Limits.UsernameMaxLength} lowercase letters, digits, dots, dashes and underscores.";

    public static string NoComponent(string id) => $"There is no component '{id}'.";

    public static string NoGroup(string? id) => $"There is no component group '{id}'.";

    public static string NoProvider(string? id) => $"There is no upstream provider '{id}'.";

    public const string ComponentsRequiredMessage = "Name at least one component the maintenance touches.";

    public const string UpstreamNamesProviderMessage = "An upstream cause names the provider.";

    public const string UpstreamOnlyMessage = "Only an upstream cause names a provider and a ticket.";

    public static string TicketAtMost => $"The ticket reference must be at most {Limits.TicketMaxLength} characters.";

    public const string NotAfterFirstUpdateMessage = "An incident cannot start after its first update.";

    public const string ReopenStatusMessage = "A reopened incident is investigating, identified or monitoring.";

    public const string NoneWhenResolvedMessage = "A resolved incident promises no next update.";

    public const string AfterUpdateMessage = "The next update must be promised for after this update.";

    public const string AfterScheduledForMessage = "A maintenance window must end after it starts.";

    public const string PercentageMessage = "The SLA target is a percentage between 0 and 100.";

    public const string NotBeforeStartMessage = "An update cannot be stated before the incident started.";

    public const string NotBeforeLatestUpdateMessage = "An update cannot be stated before the latest update of its timeline.";

    public const string NotBeforeCorrectedUpdateMessage = "A correction cannot be stated before the update it corrects.";

    public const string IdempotencyReplayMessage = "This request was already answered; here is the original answer.";

    public const string IdempotencyKeyReusedMessage =
        "This Idempotency-Key was already used for a different request; use a new key for a new request.";

    public static string Words<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(v => v.ToWord()));
}

// The documented time range (README "Bad input"): nothing before 2000-01-01, nothing planned beyond the horizon.
public static class TimeRules
{
    public const string MinTime = "min_time";
    public const string MaxTime = "max_time";

    public static string NotInFutureMessage(string field) =>
        $"The {field} cannot be in the future (tolerance {Limits.FutureTolerance.TotalSeconds:0} seconds).";

    public static string MinTimeMessage(string field) => $"The {field} must be on or after 2000-01-01.";

    public static string MaxTimeMessage(string field) =>
        $"The {field} must be at most {Limits.PlanningHorizon.TotalDays / 365:0} years ahead of the server clock.";
}
