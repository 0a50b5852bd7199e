using FluentValidation;
using FluentValidation.Results;

namespace StatusPage.Client.Contracts;

// What a validator needs to know beyond the request: the server clock and, when known, which components and providers exist.
public sealed record WriteContext(DateTimeOffset Now, Func<string, bool>? IsComponent = null, Func<string, bool>? IsProvider = null,
    Func<string, bool>? IsGroup = null);

// The rules every form and API call share. Field names are the JSON names; error codes and messages come from RuleCatalogue.
public static class WriteRules
{
    // A field rule broken: its code (the "rule" the API reports) and its message.
    public static IRuleBuilderOptions<T, TProperty> Breaks<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, Rule broken,
        string message) =>
        rule.WithErrorCode(broken.Code).WithMessage(message);

    public static IRuleBuilderOptions<T, TProperty> Breaks<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, Rule broken,
        Func<T, string> message) =>
        rule.WithErrorCode(broken.Code).WithMessage(message);

    public static ValidationFailure Failure(string field, Rule broken, string message) => new(field, message) { ErrorCode = broken.Code };

    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty(field))
            .MaximumLength(maxLength).Breaks(RuleCatalogue.MaxLength, RuleCatalogue.AtMost(field, maxLength))
            .CleanText(field);

    public static IRuleBuilderOptions<T, string?> MaxText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength,
        string? name = null) =>
        rule.MaximumLength(maxLength).Breaks(RuleCatalogue.MaxLength, RuleCatalogue.AtMost(name ?? field, maxLength))
            .OverridePropertyName(field);

    // No control characters (but tab and line breaks), lone surrogates or noncharacters: see SafeText.
    public static IRuleBuilderOptions<T, string?> CleanText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(SafeText.IsClean).Breaks(RuleCatalogue.CleanText, SafeText.Message(field)).OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string?> Word<T, TEnum>(this IRuleBuilder<T, string?> rule, string field) where TEnum : struct, Enum =>
        rule.Must(word => word is null || WordsExtensions.TryParseWord<TEnum>(word, out _))
            .Breaks(RuleCatalogue.OneOf, RuleCatalogue.OneOfWords<TEnum>(field)).OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string?> RequiredWord<T, TEnum>(this IRuleBuilder<T, string?> rule, string field)
        where TEnum : struct, Enum =>
        rule.NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.IsRequired(field)).Word<T, TEnum>(field);

    public static IRuleBuilderOptions<T, string?> OptionalId<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(id => id is null || RuleCatalogue.IsId(id)).Breaks(RuleCatalogue.IdFormat, RuleCatalogue.IdFormatMessage)
            .OverridePropertyName(field);

    public static IRuleBuilderOptions<T, string?> Username<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty("username"))
            .Must(name => name is null || RuleCatalogue.IsUsername(name))
            .Breaks(RuleCatalogue.UsernameFormat, RuleCatalogue.UsernameFormatMessage)
            .OverridePropertyName("username");

    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MinimumLength(Limits.PasswordMinLength).Breaks(RuleCatalogue.MinLength, RuleCatalogue.AtLeast("password", Limits.PasswordMinLength))
            .MaximumLength(Limits.PasswordMaxLength).Breaks(RuleCatalogue.MaxLength, RuleCatalogue.AtMost("password", Limits.PasswordMaxLength))
            .CleanText("password");

    public static IRuleBuilderOptions<T, DateTimeOffset?> NotInFuture<T>(this IRuleBuilder<T, DateTimeOffset?> rule, string field,
        DateTimeOffset now) =>
        rule.NotBeforeEarliest(field).Must(time => time is null || time <= now + Limits.FutureTolerance)
            .Breaks(RuleCatalogue.NotInFuture, TimeRules.NotInFutureMessage(field))
            .OverridePropertyName(field);

    public static IRuleBuilderOptions<T, DateTimeOffset?> NotBeforeEarliest<T>(this IRuleBuilder<T, DateTimeOffset?> rule, string field) =>
        rule.Must(time => time is null || time >= Limits.EarliestTime).Breaks(RuleCatalogue.MinTime, TimeRules.MinTimeMessage(field))
            .OverridePropertyName(field);

    // Planned times (maintenance windows, promised updates) lie within the planning horizon.
    public static IRuleBuilderOptions<T, DateTimeOffset?> Planned<T>(this IRuleBuilder<T, DateTimeOffset?> rule, string field,
        DateTimeOffset now) =>
        rule.NotBeforeEarliest(field).Must(time => time is null || time <= now + Limits.PlanningHorizon)
            .Breaks(RuleCatalogue.MaxTime, TimeRules.MaxTimeMessage(field)).OverridePropertyName(field);

    // Each key must be a known component (when the context knows them) and each value a component status word.
    public static void ComponentChanges<T>(IReadOnlyDictionary<string, string>? components, WriteContext context,
        ValidationContext<T> validation)
    {
        foreach (var (id, status) in components ?? new Dictionary<string, string>())
        {
            if (!SafeText.IsClean(id))
            {
                validation.AddFailure(Failure("components", RuleCatalogue.CleanText, SafeText.Message("components")));
            }
            else if (context.IsComponent is { } isComponent && !isComponent(id))
            {
                validation.AddFailure(Failure($"components.{id}", RuleCatalogue.KnownComponent, RuleCatalogue.NoComponent(id)));
            }
            else if (!WordsExtensions.TryParseWord<ComponentStatus>(status, out _))
            {
                validation.AddFailure(Failure($"components.{id}", RuleCatalogue.OneOf, RuleCatalogue.ComponentStatusOneOf));
            }
        }
    }

    public static void ComponentIds<T>(IReadOnlyCollection<string>? components, WriteContext context, ValidationContext<T> validation)
    {
        if (components is null || components.Count == 0)
        {
            validation.AddFailure(Failure("components", RuleCatalogue.Required, RuleCatalogue.ComponentsRequiredMessage));
            return;
        }
        if (!components.All(SafeText.IsClean))
        {
            validation.AddFailure(Failure("components", RuleCatalogue.CleanText, SafeText.Message("components")));
            return;
        }
        foreach (var id in components.Where(id => context.IsComponent is { } isComponent && !isComponent(id)))
        {
            validation.AddFailure(Failure($"components.{id}", RuleCatalogue.KnownComponent, RuleCatalogue.NoComponent(id)));
        }
    }
}

public sealed class CauseValidator : AbstractValidator<CauseRequest>
{
    public CauseValidator(WriteContext context)
    {
        RuleFor(x => x.Kind).RequiredWord<CauseRequest, CauseKind>("kind");
        RuleFor(x => x.Provider).NotEmpty().When(x => x.Kind == CauseKind.Upstream.ToWord()).Breaks(RuleCatalogue.Required, RuleCatalogue.UpstreamNamesProviderMessage).OverridePropertyName("provider");
        RuleFor(x => x.Provider).Must(p => context.IsProvider is not { } isProvider || isProvider(p!))
            .When(x => x.Kind == CauseKind.Upstream.ToWord() && !string.IsNullOrEmpty(x.Provider))
            .Breaks(RuleCatalogue.KnownProvider, x => RuleCatalogue.NoProvider(x.Provider))
            .OverridePropertyName("provider");
        RuleFor(x => x.Provider).Null().When(x => x.Kind != CauseKind.Upstream.ToWord()).Breaks(RuleCatalogue.UpstreamOnly, RuleCatalogue.UpstreamOnlyMessage).OverridePropertyName("provider");
        RuleFor(x => x.Ticket).Null().When(x => x.Kind != CauseKind.Upstream.ToWord()).Breaks(RuleCatalogue.UpstreamOnly, RuleCatalogue.UpstreamOnlyMessage).OverridePropertyName("ticket");
        RuleFor(x => x.Ticket).MaximumLength(Limits.TicketMaxLength).Breaks(RuleCatalogue.MaxLength, RuleCatalogue.TicketAtMost)
            .OverridePropertyName("ticket");
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
            .Breaks(RuleCatalogue.NotAfterFirstUpdate, RuleCatalogue.NotAfterFirstUpdateMessage)
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
        RuleFor(x => x.Status).NotEqual(IncidentStatus.Resolved.ToWord()).Breaks(RuleCatalogue.ReopenStatus, RuleCatalogue.ReopenStatusMessage)
           .OverridePropertyName("status");
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
        RuleFor(x => x.ScheduledFor).NotNull().Breaks(RuleCatalogue.Required, RuleCatalogue.IsRequired("scheduled_for time"))
            .OverridePropertyName("scheduled_for");
        RuleFor(x => x.ScheduledUntil).NotNull().Breaks(RuleCatalogue.Required, RuleCatalogue.IsRequired("scheduled_until time"))
            .OverridePropertyName("scheduled_until");
        RuleFor(x => x.ScheduledFor).Planned("scheduled_for", context.Now);
        RuleFor(x => x.ScheduledUntil).Planned("scheduled_until", context.Now);
        RuleFor(x => x.ScheduledUntil).Must((x, until) => until > x.ScheduledFor).When(x => x.ScheduledFor is not null && x.ScheduledUntil is not null)
            .Breaks(RuleCatalogue.AfterScheduledFor, RuleCatalogue.AfterScheduledForMessage)
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
        RuleFor(x => x.Body).MaxText("body", Limits.BodyMaxLength).CleanText("body");
}

public sealed class SignInValidator : AbstractValidator<SignInRequest>
{
    public SignInValidator()
    {
        RuleFor(x => x.Username).NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty("username")).OverridePropertyName("username");
        RuleFor(x => x.Password).NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty("password")).OverridePropertyName("password");
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
        RuleFor(x => x.Password).NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty("password")).Password();
}

public sealed class CreateTokenValidator : AbstractValidator<CreateTokenRequest>
{
    public CreateTokenValidator()
    {
        RuleFor(x => x.Name).RequiredText("name", Limits.TokenNameMaxLength);
        RuleFor(x => x.Operator).Username().When(x => x.Operator is not null);
    }
}

public static class NextUpdateRules
{
    public static IRuleBuilderOptions<T, DateTimeOffset?> NextUpdate<T>(this IRuleBuilder<T, DateTimeOffset?> rule,
        Func<T, string?> status, Func<T, DateTimeOffset?> statedAt, WriteContext context) =>
        rule.Must((x, next) => next is null || status(x) != IncidentStatus.Resolved.ToWord())
            .Breaks(RuleCatalogue.NoneWhenResolved, RuleCatalogue.NoneWhenResolvedMessage)
            .Must((x, next) => next is null || next > (statedAt(x) ?? context.Now))
            .Breaks(RuleCatalogue.AfterUpdate, RuleCatalogue.AfterUpdateMessage)
            .Must(next => next is null || next <= context.Now + Limits.PlanningHorizon)
            .Breaks(RuleCatalogue.MaxTime, TimeRules.MaxTimeMessage("next_update_by"))
            .OverridePropertyName("next_update_by");
}

// Declaring a component (admin): the same rules whether it comes from the console, a script or site.yml.
public sealed class DeclareComponentValidator : AbstractValidator<ComponentRequest>
{
    public DeclareComponentValidator(WriteContext context)
    {
        RuleFor(x => x.Id).NotEmpty().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty("id")).OverridePropertyName("id");
        // An empty or oversized name is reported by the included change rules; here only its absence.
        RuleFor(x => x.Name).NotNull().Breaks(RuleCatalogue.Required, RuleCatalogue.NotEmpty("name")).OverridePropertyName("name");
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
        RuleFor(x => x.Description).MaxText("description", Limits.BodyMaxLength);
        RuleFor(x => x.Description).CleanText("description");
        RuleFor(x => x.Group).CleanText("group");
        RuleFor(x => x.Group).Must(g => string.IsNullOrEmpty(g) || context.IsGroup is not { } isGroup || isGroup(g))
            .Breaks(RuleCatalogue.KnownGroup, x => RuleCatalogue.NoGroup(x.Group)).OverridePropertyName("group");
        RuleFor(x => x.SlaTarget).InclusiveBetween(0m, 100m).When(x => x.SlaTarget is not null)
            .Breaks(RuleCatalogue.Percentage, RuleCatalogue.PercentageMessage).OverridePropertyName("sla_target");
    }
}

public sealed class SetRoleValidator : AbstractValidator<SetRoleRequest>
{
    public SetRoleValidator() => RuleFor(x => x.Role).RequiredWord<SetRoleRequest, OperatorRole>("role");
}
