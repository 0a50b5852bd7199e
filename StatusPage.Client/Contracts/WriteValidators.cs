using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;

namespace StatusPage.Client.Contracts;

// What a validator needs to know beyond the request: the server clock and, when known, which components and providers exist.
public sealed record WriteContext(DateTimeOffset Now, Func<string, bool>? IsComponent = null, Func<string, bool>? IsProvider = null,
    Func<string, bool>? IsGroup = null);

// The rules every form and API call share. Field names are the JSON names; error codes are the rule names the API reports.
public static partial class WriteRules
{
    // \z, not $: in .NET "$" also matches before a final newline, and "demo-id\n" must not pass as an id.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z")]
    private static partial Regex UsernamePattern();

    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.NotEmpty().WithErrorCode("required").WithMessage($"The {field} must not be empty.")
            .MaximumLength(maxLength).WithErrorCode("max_length").WithMessage($"The {field} must be at most {maxLength} characters.")
            .CleanText(field);

    // No control characters (but tab and line breaks), lone surrogates or noncharacters: see SafeText.
    public static IRuleBuilderOptions<T, string?> CleanText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(SafeText.IsClean).WithErrorCode(SafeText.Rule).WithMessage(SafeText.Message(field)).OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string?> Word<T, TEnum>(this IRuleBuilder<T, string?> rule, string field) where TEnum : struct, Enum =>
        rule.Must(word => word is null || WordsExtensions.TryParseWord<TEnum>(word, out _)).WithErrorCode("one_of")
            .WithMessage($"The {field} must be one of: {string.Join(", ", Enum.GetValues<TEnum>().Select(v => v.ToWord()))}.")
            .OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string?> RequiredWord<T, TEnum>(this IRuleBuilder<T, string?> rule, string field)
        where TEnum : struct, Enum =>
        rule.NotEmpty().WithErrorCode("required").WithMessage($"The {field} is required.").Word<T, TEnum>(field);

    public static IRuleBuilderOptions<T, string?> OptionalId<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(id => id is null || (id.Length <= Limits.IdMaxLength && IdPattern().IsMatch(id))).WithErrorCode("id_format")
            .WithMessage($"An id is 1 to {Limits.IdMaxLength} lowercase letters, digits and dashes.")
            .OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string?> Username<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithErrorCode("required").WithMessage("The username must not be empty.")
            .Must(name => name is null || (name.Length <= Limits.UsernameMaxLength && UsernamePattern().IsMatch(name)))
            .WithErrorCode("username_format")
            .WithMessage($"A username is 1 to {Limits.UsernameMaxLength} lowercase letters, digits, dots, dashes and underscores.")
            .OverridePropertyName("username");

    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MinimumLength(Limits.PasswordMinLength).WithErrorCode("min_length")
            .WithMessage($"The password must be at least {Limits.PasswordMinLength} characters.")
            .MaximumLength(Limits.PasswordMaxLength).WithErrorCode("max_length")
            .WithMessage($"The password must be at most {Limits.PasswordMaxLength} characters.")
            .CleanText("password");

    public static IRuleBuilderOptions<T, DateTimeOffset?> NotInFuture<T>(this IRuleBuilder<T, DateTimeOffset?> rule, string field,
        DateTimeOffset now) =>
        rule.NotBeforeEarliest(field).Must(time => time is null || time <= now + Limits.FutureTolerance).WithErrorCode("not_in_future")
            .WithMessage($"The {field} cannot be in the future (tolerance {Limits.FutureTolerance.TotalSeconds:0} seconds).")
            .OverridePropertyName(field);

    public static IRuleBuilderOptions<T, DateTimeOffset?> NotBeforeEarliest<T>(this IRuleBuilder<T, DateTimeOffset?> rule, string field) =>
        rule.Must(time => time is null || time >= Limits.EarliestTime).WithErrorCode(TimeRules.MinTime).WithMessage(TimeRules.MinTimeMessage(field))
            .OverridePropertyName(field);

    // Planned times (maintenance windows, promised updates) lie within the planning horizon.
    public static IRuleBuilderOptions<T, DateTimeOffset?> Planned<T>(this IRuleBuilder<T, DateTimeOffset?> rule, string field,
        DateTimeOffset now) =>
        rule.NotBeforeEarliest(field).Must(time => time is null || time <= now + Limits.PlanningHorizon).WithErrorCode(TimeRules.MaxTime)
            .WithMessage(TimeRules.MaxTimeMessage(field)).OverridePropertyName(field);

    // Each key must be a known component (when the context knows them) and each value a component status word.
    public static void ComponentChanges<T>(IReadOnlyDictionary<string, string>? components, WriteContext context,
        ValidationContext<T> validation)
    {
        foreach (var (id, status) in components ?? new Dictionary<string, string>())
        {
            if (!SafeText.IsClean(id))
            {
                validation.AddFailure(new ValidationFailure("components", SafeText.Message("components")) { ErrorCode = SafeText.Rule });
            }
            else if (context.IsComponent is { } isComponent && !isComponent(id))
            {
                validation.AddFailure(new ValidationFailure($"components.{id}", $"There is no component '{id}'.")
                {
                    ErrorCode = "known_component",
                });
            }
            else if (!WordsExtensions.TryParseWord<ComponentStatus>(status, out _))
            {
                validation.AddFailure(new ValidationFailure($"components.{id}",
                    $"A component status is one of: {string.Join(", ", Enum.GetValues<ComponentStatus>().Select(v => v.ToWord()))}.")
                {
                    ErrorCode = "one_of",
                });
            }
        }
    }

    public static void ComponentIds<T>(IReadOnlyCollection<string>? components, WriteContext context, ValidationContext<T> validation)
    {
        if (components is null || components.Count == 0)
        {
            validation.AddFailure(new ValidationFailure("components", "Name at least one component the maintenance touches.")
            {
                ErrorCode = "required",
            });
            return;
        }
        if (!components.All(SafeText.IsClean))
        {
            validation.AddFailure(new ValidationFailure("components", SafeText.Message("components")) { ErrorCode = SafeText.Rule });
            return;
        }
        foreach (var id in components.Where(id => context.IsComponent is { } isComponent && !isComponent(id)))
        {
            validation.AddFailure(new ValidationFailure($"components.{id}", $"There is no component '{id}'.") { ErrorCode = "known_component" });
        }
    }
}

public sealed class CauseValidator : AbstractValidator<CauseRequest>
{
    public CauseValidator(WriteContext context)
    {
        RuleFor(x => x.Kind).RequiredWord<CauseRequest, CauseKind>("kind");
        RuleFor(x => x.Provider).NotEmpty().When(x => x.Kind == CauseKind.Upstream.ToWord()).WithErrorCode("required")
            .WithMessage("An upstream cause names the provider.").OverridePropertyName("provider");
        RuleFor(x => x.Provider).Must(p => context.IsProvider is not { } isProvider || isProvider(p!))
            .When(x => x.Kind == CauseKind.Upstream.ToWord() && !string.IsNullOrEmpty(x.Provider))
            .WithErrorCode("known_provider").WithMessage(x => $"There is no upstream provider '{x.Provider}'.")
            .OverridePropertyName("provider");
        RuleFor(x => x.Provider).Null().When(x => x.Kind != CauseKind.Upstream.ToWord()).WithErrorCode("upstream_only")
            .WithMessage("Only an upstream cause names a provider and a ticket.").OverridePropertyName("provider");
        RuleFor(x => x.Ticket).Null().When(x => x.Kind != CauseKind.Upstream.ToWord()).WithErrorCode("upstream_only")
            .WithMessage("Only an upstream cause names a provider and a ticket.").OverridePropertyName("ticket");
        RuleFor(x => x.Ticket).MaximumLength(Limits.TicketMaxLength).WithErrorCode("max_length")
            .WithMessage($"The ticket reference must be at most {Limits.TicketMaxLength} characters.").OverridePropertyName("ticket");
        RuleFor(x => x.Ticket).CleanText("ticket");
        RuleFor(x => x.Provider).CleanText("provider");
    }
}

public sealed class CreateIncidentValidator : AbstractValidator<CreateIncidentRequest>
{
    public CreateIncidentValidator(WriteContext context)
    {
        RuleFor(x => x.Id).OptionalId("id");
        RuleFor(x => x.Title).RequiredText("title", Limits.TitleMaxLength);
        RuleFor(x => x.Impact).RequiredWord<CreateIncidentRequest, Impact>("impact");
        RuleFor(x => x.Status).RequiredWord<CreateIncidentRequest, IncidentStatus>("status");
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Components).Custom((c, v) => WriteRules.ComponentChanges(c, context, v));
        RuleFor(x => x.Cause!).SetValidator(new CauseValidator(context)).When(x => x.Cause is not null).OverridePropertyName("cause");
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
        RuleFor(x => x.StartedAt).NotInFuture("started_at", context.Now);
        RuleFor(x => x.StartedAt).Must((x, started) => started is null || started <= (x.StatedAt ?? context.Now))
            .WithErrorCode("not_after_first_update").WithMessage("An incident cannot start after its first update.")
            .OverridePropertyName("started_at");
        RuleFor(x => x.NextUpdateBy).NextUpdate(x => x.Status, x => x.StatedAt, context);
    }
}

public sealed class PostUpdateValidator : AbstractValidator<PostUpdateRequest>
{
    public PostUpdateValidator(WriteContext context)
    {
        RuleFor(x => x.Status).RequiredWord<PostUpdateRequest, IncidentStatus>("status");
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Components).Custom((c, v) => WriteRules.ComponentChanges(c, context, v));
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
        RuleFor(x => x.NextUpdateBy).NextUpdate(x => x.Status, x => x.StatedAt, context);
    }
}

public sealed class ResolveIncidentValidator : AbstractValidator<ResolveIncidentRequest>
{
    public ResolveIncidentValidator(WriteContext context)
    {
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Components).Custom((c, v) => WriteRules.ComponentChanges(c, context, v));
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
    }
}

public sealed class ReopenIncidentValidator : AbstractValidator<ReopenIncidentRequest>
{
    public ReopenIncidentValidator(WriteContext context)
    {
        RuleFor(x => x.Status).RequiredWord<ReopenIncidentRequest, IncidentStatus>("status");
        RuleFor(x => x.Status).NotEqual(IncidentStatus.Resolved.ToWord()).WithErrorCode("reopen_status")
            .WithMessage("A reopened incident is investigating, identified or monitoring.").OverridePropertyName("status");
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Components).Custom((c, v) => WriteRules.ComponentChanges(c, context, v));
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
    }
}

public sealed class CorrectionValidator : AbstractValidator<CorrectionRequest>
{
    public CorrectionValidator(WriteContext context)
    {
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Reason).RequiredText("reason", Limits.ReasonMaxLength);
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
    }
}

public sealed class RedactionValidator : AbstractValidator<RedactionRequest>
{
    public RedactionValidator() => RuleFor(x => x.Reason).RequiredText("reason", Limits.ReasonMaxLength);
}

public sealed class PostmortemValidator : AbstractValidator<PostmortemRequest>
{
    public PostmortemValidator(WriteContext context)
    {
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
    }
}

public sealed class ComponentStatusValidator : AbstractValidator<ComponentStatusRequest>
{
    public ComponentStatusValidator(WriteContext context)
    {
        RuleFor(x => x.Status).RequiredWord<ComponentStatusRequest, ComponentStatus>("status");
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
    }
}

public sealed class ScheduleMaintenanceValidator : AbstractValidator<ScheduleMaintenanceRequest>
{
    public ScheduleMaintenanceValidator(WriteContext context)
    {
        RuleFor(x => x.Id).OptionalId("id");
        RuleFor(x => x.Title).RequiredText("title", Limits.TitleMaxLength);
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Components).Custom((c, v) => WriteRules.ComponentIds(c, context, v));
        RuleFor(x => x.ScheduledFor).NotNull().WithErrorCode("required").WithMessage("The scheduled_for time is required.")
            .OverridePropertyName("scheduled_for");
        RuleFor(x => x.ScheduledUntil).NotNull().WithErrorCode("required").WithMessage("The scheduled_until time is required.")
            .OverridePropertyName("scheduled_until");
        RuleFor(x => x.ScheduledFor).Planned("scheduled_for", context.Now);
        RuleFor(x => x.ScheduledUntil).Planned("scheduled_until", context.Now);
        RuleFor(x => x.ScheduledUntil).Must((x, until) => until > x.ScheduledFor).When(x => x.ScheduledFor is not null && x.ScheduledUntil is not null)
            .WithErrorCode("after_scheduled_for").WithMessage("A maintenance window must end after it starts.")
            .OverridePropertyName("scheduled_until");
    }
}

public sealed class MaintenanceUpdateValidator : AbstractValidator<MaintenanceUpdateRequest>
{
    public MaintenanceUpdateValidator(WriteContext context)
    {
        RuleFor(x => x.Status).RequiredWord<MaintenanceUpdateRequest, MaintenanceStatus>("status");
        RuleFor(x => x.Body).RequiredText("body", Limits.BodyMaxLength);
        RuleFor(x => x.Components).Custom((c, v) => WriteRules.ComponentChanges(c, context, v));
        RuleFor(x => x.StatedAt).NotInFuture("stated_at", context.Now);
    }
}

public sealed class PreviewValidator : AbstractValidator<PreviewRequest>
{
    public PreviewValidator() =>
        RuleFor(x => x.Body).MaximumLength(Limits.BodyMaxLength).WithErrorCode("max_length")
            .WithMessage($"The body must be at most {Limits.BodyMaxLength} characters.").CleanText("body");
}

public sealed class SignInValidator : AbstractValidator<SignInRequest>
{
    public SignInValidator()
    {
        RuleFor(x => x.Username).NotEmpty().WithErrorCode("required").WithMessage("The username must not be empty.")
            .OverridePropertyName("username");
        RuleFor(x => x.Password).NotEmpty().WithErrorCode("required").WithMessage("The password must not be empty.")
            .OverridePropertyName("password");
    }
}

public sealed class CreateOperatorValidator : AbstractValidator<CreateOperatorRequest>
{
    public CreateOperatorValidator()
    {
        RuleFor(x => x.Username).Username();
        RuleFor(x => x.Role).RequiredWord<CreateOperatorRequest, OperatorRole>("role");
        RuleFor(x => x.Password).Password().When(x => x.Password is not null);
    }
}

public sealed class SetPasswordValidator : AbstractValidator<SetPasswordRequest>
{
    public SetPasswordValidator() =>
        RuleFor(x => x.Password).NotEmpty().WithErrorCode("required").WithMessage("The password must not be empty.").Password();
}

public sealed class CreateTokenValidator : AbstractValidator<CreateTokenRequest>
{
    public CreateTokenValidator()
    {
        RuleFor(x => x.Name).RequiredText("name", Limits.TokenNameMaxLength);
        RuleFor(x => x.Operator).Username().When(x => x.Operator is not null);
    }
}

// The documented time range (README "Bad input"): nothing before 2000-01-01, nothing planned beyond the horizon.
public static class TimeRules
{
    public const string MinTime = "min_time";
    public const string MaxTime = "max_time";

    public static string MinTimeMessage(string field) => $"The {field} must be on or after 2000-01-01.";

    public static string MaxTimeMessage(string field) =>
        $"The {field} must be at most {Limits.PlanningHorizon.TotalDays / 365:0} years ahead of the server clock.";
}

public static class NextUpdateRules
{
    public static IRuleBuilderOptions<T, DateTimeOffset?> NextUpdate<T>(this IRuleBuilder<T, DateTimeOffset?> rule,
        Func<T, string?> status, Func<T, DateTimeOffset?> statedAt, WriteContext context) =>
        rule.Must((x, next) => next is null || status(x) != IncidentStatus.Resolved.ToWord()).WithErrorCode("none_when_resolved")
            .WithMessage("A resolved incident promises no next update.")
            .Must((x, next) => next is null || next > (statedAt(x) ?? context.Now)).WithErrorCode("after_update")
            .WithMessage("The next update must be promised for after this update.")
            .Must(next => next is null || next <= context.Now + Limits.PlanningHorizon).WithErrorCode(TimeRules.MaxTime)
            .WithMessage(TimeRules.MaxTimeMessage("next_update_by"))
            .OverridePropertyName("next_update_by");
}

// Declaring a component (admin): the same rules whether it comes from the console, a script or site.yml.
public sealed class DeclareComponentValidator : AbstractValidator<ComponentRequest>
{
    public DeclareComponentValidator(WriteContext context)
    {
        RuleFor(x => x.Id).NotEmpty().WithErrorCode("required").WithMessage("The id must not be empty.").OverridePropertyName("id");
        // An empty or oversized name is reported by the included change rules; here only its absence.
        RuleFor(x => x.Name).NotNull().WithErrorCode("required").WithMessage("The name must not be empty.").OverridePropertyName("name");
        Include(new ChangeComponentValidator(context));
    }
}

// Changing a component: absent fields keep their value, present ones follow the declaration rules.
public sealed class ChangeComponentValidator : AbstractValidator<ComponentRequest>
{
    public ChangeComponentValidator(WriteContext context)
    {
        // A change takes its id from the path; one in the body must still be an id (never silently ignored text).
        RuleFor(x => x.Id).OptionalId("id");
        RuleFor(x => x.Name).RequiredText("name", Limits.TitleMaxLength).When(x => x.Name is not null);
        RuleFor(x => x.Description).MaximumLength(Limits.BodyMaxLength).WithErrorCode("max_length")
            .WithMessage($"The description must be at most {Limits.BodyMaxLength} characters.").OverridePropertyName("description");
        RuleFor(x => x.Description).CleanText("description");
        RuleFor(x => x.Group).CleanText("group");
        RuleFor(x => x.Group).Must(g => string.IsNullOrEmpty(g) || context.IsGroup is not { } isGroup || isGroup(g))
            .WithErrorCode("known_group").WithMessage(x => $"There is no component group '{x.Group}'.").OverridePropertyName("group");
        RuleFor(x => x.SlaTarget).InclusiveBetween(0m, 100m).When(x => x.SlaTarget is not null).WithErrorCode("percentage")
            .WithMessage("The SLA target is a percentage between 0 and 100.").OverridePropertyName("sla_target");
    }
}

public sealed class SetRoleValidator : AbstractValidator<SetRoleRequest>
{
    public SetRoleValidator() => RuleFor(x => x.Role).RequiredWord<SetRoleRequest, OperatorRole>("role");
}
