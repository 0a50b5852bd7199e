using FluentValidation.Results;

namespace StatusPage.Client.Console;

// The messages a form shows beside its fields: from the shared validators before sending, from problem+json after.
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    // What cannot be shown beside a field of this form (a conflict, a field the form does not have).
    public string? Summary { get; private set; }

    public bool Any => _byField.Count > 0 || Summary is not null;

    public string? this[string field] =>
        _byField.Where(e => e.Key == field || e.Key.StartsWith(field + ".", StringComparison.Ordinal))
            .SelectMany(e => e.Value).DefaultIfEmpty().Aggregate((a, b) => $"{a} {b}");

    public bool Has(string field) => this[field] is not null;

    public void Clear()
    {
        _byField.Clear();
        Summary = null;
    }

    // Returns true when the request passed the shared rules.
    public bool Check(ValidationResult result, params string[] shownFields)
    {
        Clear();
        foreach (var error in result.Errors)
        {
            Add(error.PropertyName, error.ErrorMessage);
        }
        SummarizeUnshown(shownFields);
        return result.IsValid;
    }

    public void Show(ApiProblem problem, params string[] shownFields)
    {
        Clear();
        foreach (var (field, messages) in problem.Errors)
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }
        SummarizeUnshown(shownFields);
        if (problem.Errors.Count == 0)
        {
            Summary = problem.Detail is { Length: > 0 } detail ? $"{problem.Title} {detail}" : problem.Title;
        }
    }

    private void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages))
        {
            _byField[field] = messages = [];
        }
        messages.Add(message);
    }

    private void SummarizeUnshown(string[] shownFields)
    {
        var unshown = _byField.Where(e => !shownFields.Any(f => e.Key == f || e.Key.StartsWith(f + ".", StringComparison.Ordinal)))
            .SelectMany(e => e.Value).ToList();
        Summary = unshown.Count > 0 ? string.Join(" ", unshown) : null;
    }
}
