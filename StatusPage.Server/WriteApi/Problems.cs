using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.History;

namespace StatusPage.Server.WriteApi;

// RFC 9457 bodies for every refusal: the field and the rule are named in "field"/"rule" (or per field in "errors" + "violations").
public static class Problems
{
    public sealed record Violation(string Field, string Rule, string Message);

    public static ProblemHttpResult Of(int status, string title, string detail, string? field = null, string? rule = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = field, ["rule"] = rule });

    public static ValidationProblem Validation(IReadOnlyCollection<Violation> violations) =>
        TypedResults.ValidationProblem(
            violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray()),
            detail: string.Join(" ", violations.Select(v => v.Message)),
            title: "The request has invalid fields.",
            extensions: new Dictionary<string, object?> { ["violations"] = violations });

    public static ValidationProblem Validation(ValidationResult result) =>
        Validation([.. result.Errors.Select(e => new Violation(e.PropertyName, e.ErrorCode, e.ErrorMessage))]);

    // Domain refusals: Invalid is a field error (400, see AsValidation), NotFound 404, Conflict and an invalid transition 409,
    // ReadOnly 503, StorageUnavailable (a full or failing disk) 507.
    public static ValidationProblem? AsValidation(RuleViolation violation) =>
        violation is { Kind: ViolationKind.Invalid } and not { Rule: "valid_transition" }
            ? Validation([new Violation(violation.Field, violation.Rule, violation.Message)])
            : null;

    public static ProblemHttpResult AsProblem(RuleViolation violation) => violation switch
    {
        { Kind: ViolationKind.NotFound } => Of(StatusCodes.Status404NotFound, "Not found.", violation.Message, violation.Field, violation.Rule),
        { Kind: ViolationKind.ReadOnly } =>
            Of(StatusCodes.Status503ServiceUnavailable, "The history is read-only.", violation.Message, violation.Field, violation.Rule),
        { Kind: ViolationKind.StorageUnavailable } =>
            Of(StatusCodes.Status507InsufficientStorage, "The update could not be saved.", violation.Message, violation.Field, violation.Rule),
        { Rule: Idempotency.ReusedRule } =>
            Of(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused.", violation.Message, violation.Field, violation.Rule),
        _ => Of(StatusCodes.Status409Conflict, "The request conflicts with the current state.", violation.Message, violation.Field,
            violation.Rule),
    };

    // For middleware (authentication, rate limiting) that answers before any endpoint runs.
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? field = null, string? rule = null) =>
        Of(status, title, detail, field, rule).ExecuteAsync(context);
}
