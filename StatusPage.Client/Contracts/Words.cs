namespace StatusPage.Client.Contracts;

// The product's vocabulary (docs/DESIGN.md "Words"); serialized snake_case everywhere: ledger, API, content.
public enum ComponentStatus { Operational, DegradedPerformance, PartialOutage, MajorOutage, UnderMaintenance }

public enum IncidentStatus { Investigating, Identified, Monitoring, Resolved }

public enum Impact { None, Minor, Major, Critical }

public enum MaintenanceStatus { Scheduled, InProgress, Verifying, Completed, Cancelled }

public enum CauseKind { Unknown, Internal, Upstream }

// Operators: admin manages operators, tokens, components and redactions; operator posts incidents, updates and maintenance.
public enum OperatorRole { Admin, Operator }

public static class Limits
{
    public const int TitleMaxLength = 200;
    public const int BodyMaxLength = 20_000;
    public const int ReasonMaxLength = 500;
    public const int TicketMaxLength = 100;
    public const int IdMaxLength = 80;
    public const int UsernameMaxLength = 64;
    public const int PasswordMinLength = 12;
    public const int PasswordMaxLength = 256;
    public const int TokenNameMaxLength = 100;
    public const int IdempotencyKeyMaxLength = 255;

    // A write request body (JSON) may be at most this large; a 20,000-character body in 4-byte UTF-8 still fits.
    public const int RequestMaxBytes = 128 * 1024;

    // The one tolerance between a stated time and the server clock (README "Time"): clock skew and typing, nothing more.
    public static readonly TimeSpan StatedTimeTolerance = TimeSpan.FromSeconds(60);

    // A stated time more than this ahead of the server clock is refused (not_in_future).
    public static readonly TimeSpan FutureTolerance = StatedTimeTolerance;

    // A stated time more than this before its recorded time is backfilled, and marked so wherever it is shown.
    public static readonly TimeSpan BackfillTolerance = StatedTimeTolerance;

    public static bool IsBackfilled(DateTimeOffset statedAt, DateTimeOffset recordedAt) => recordedAt - statedAt > BackfillTolerance;

    // No time before this is plausible for a status page; it also keeps month and day arithmetic far from DateTime's limits.
    public static readonly DateTimeOffset EarliestTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Maintenance windows and promised next updates may lie at most this far ahead of the server clock.
    public static readonly TimeSpan PlanningHorizon = TimeSpan.FromDays(5 * 365);
}

public static class WordsExtensions
{
    // One string per value, made once: a replay asks for a word for every post, and the read model keeps each one.
    public static string ToWord<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        WordsOf<TEnum>.ByValue.TryGetValue(value, out var word) ? word : NewWord(value);

    private static string NewWord<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static class WordsOf<TEnum> where TEnum : struct, Enum
    {
        public static readonly System.Collections.Frozen.FrozenDictionary<TEnum, string> ByValue =
            System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(Enum.GetValues<TEnum>(), v => v, NewWord);
    }

    public static bool TryParseWord<TEnum>(string? word, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(word))
        {
            return false;
        }
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(candidate.ToWord(), word.Trim(), StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        return false;
    }

    public static bool IsTerminal(this MaintenanceStatus status) =>
        status is MaintenanceStatus.Completed or MaintenanceStatus.Cancelled;
}
