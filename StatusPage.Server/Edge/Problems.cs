using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Edge;

// RFC 9457 bodies for every refusal: the field and the rule are named in "field"/"rule" (or per field in "errors" + "violations").
internal static class Problems
{
    public sealed record Violation(string Field, string Rule, string Message);

    public static ProblemHttpResult Of(int status, string title, string detail, string? field = null, string? rule = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = field, ["rule"] = rule });

    // A catalogue rule broken: its kind decides the status (and, unless the caller words it, the title).
    public static ProblemHttpResult Of(Rule rule, string detail, string? field, string? title = null) =>
        Of(Status(rule.Kind), title ?? Title(rule.Kind), detail, field, rule.Code);

    public static ValidationProblem Validation(IReadOnlyCollection<Violation> violations) =>
        TypedResults.ValidationProblem(
            violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray()),
            detail: string.Join(" ", violations.Select(v => v.Message)),
            title: "The request has invalid fields.",
            extensions: new Dictionary<string, object?> { ["violations"] = violations });

    public static ValidationProblem Validation(ValidationResult result) =>
        Validation([.. result.Errors.Select(e => new Violation(e.PropertyName, e.ErrorCode, e.ErrorMessage))]);

    // A domain refusal: its kind alone decides the answer (a field error is a validation problem, as the validators' are).
    public static Results<TSuccess, ValidationProblem, ProblemHttpResult> Refusal<TSuccess>(RuleViolation violation)
        where TSuccess : IResult =>
        violation.Kind is var kind && kind == RuleKind.Invalid
            ? Validation([new Violation(violation.Field, violation.Rule, violation.Message)])
            : Of(Status(kind), Title(kind), violation.Message, violation.Field, violation.Rule);

    // One status per kind, for the domain's refusals and the validators' alike (RuleKind, StatusPage.Client/Contracts).
    public static int Status(RuleKind kind) => kind switch
    {
        RuleKind.Invalid or RuleKind.Malformed => StatusCodes.Status400BadRequest,
        RuleKind.Unauthorized => StatusCodes.Status401Unauthorized,
        RuleKind.Forbidden => StatusCodes.Status403Forbidden,
        RuleKind.NotFound => StatusCodes.Status404NotFound,
        RuleKind.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        RuleKind.Conflict => StatusCodes.Status409Conflict,
        RuleKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RuleKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        RuleKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        RuleKind.ReadOnly => StatusCodes.Status503ServiceUnavailable,
        RuleKind.StorageUnavailable => StatusCodes.Status507InsufficientStorage,
        RuleKind.ServerError => StatusCodes.Status500InternalServerError,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown rule kind"),
    };

    private static string Title(RuleKind kind) => kind switch
    {
        RuleKind.Invalid => "The request has invalid fields.",
        RuleKind.Malformed => "The request could not be understood.",
        RuleKind.Unauthorized => "Not signed in.",
        RuleKind.Forbidden => "Not allowed.",
        RuleKind.NotFound => "Not found.",
        RuleKind.MethodNotAllowed => "Method Not Allowed",
        RuleKind.Conflict => "The request conflicts with the current state.",
        RuleKind.TooLarge => "The request body is too large.",
        RuleKind.UnsupportedMediaType => "The request body must be JSON.",
        RuleKind.Unprocessable => "The request cannot be processed as sent.",
        RuleKind.ReadOnly => "The history is read-only.",
        RuleKind.StorageUnavailable => "The update could not be saved.",
        RuleKind.ServerError => "Internal server error.",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown rule kind"),
    };

    // For middleware (authentication, rate limiting) that answers before any endpoint runs.
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? field = null, string? rule = null) =>
        Of(status, title, detail, field, rule).ExecuteAsync(context);
}
