using System.Collections.Immutable;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MimeKit;
using StatusPage.Server.Edge;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Site;

namespace StatusPage.Server.Subscriptions;

internal static partial class SubscriptionEndpoints
{
    public const string SubscribeLimit = "subscribe";
    private const int MaxEmailLength = 254;

    // ready: completes when the ledger is replayed; the dispatcher sends nothing before.
    public static IHostApplicationBuilder AddSubscriptions(this IHostApplicationBuilder builder, Func<IServiceProvider, Task> ready)
    {
        builder.Services.AddSingleton(sp => new DispatchGate(ready(sp)));
        builder.Services.Configure<EmailOptions>(builder.Configuration.GetSection(EmailOptions.Section));
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, EmailSigning.Validation>();
        builder.Services.AddOptions<EmailOptions>().ValidateOnStart();
        builder.Services.Configure<PublicUrlOption>(builder.Configuration.GetSection("StatusPage"));
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<EmailDispatcher>();
        builder.AddOutboundService(sp => sp.GetRequiredService<EmailDispatcher>());
        builder.Services.AddRateLimiter(o => o.AddPolicy(SubscribeLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "local",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, http.RequestServices.GetRequiredService<IOptions<EmailOptions>>().Value.SubscribesPerTenMinutes),
                Window = TimeSpan.FromMinutes(10),
                QueueLimit = 0,
            })));
        return builder;
    }

    // adminOnly: the admin policy and antiforgery filter, applied by Program.cs (Operators depends on Startup, which depends on
    // PublicSite, which shows the subscribe form: this folder does not reach Operators itself).
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app, Func<RouteGroupBuilder, RouteGroupBuilder> adminOnly)
    {
        ArgumentNullException.ThrowIfNull(adminOnly);
        // Public and personal: never cached (the links carry a capability), and off entirely while email is not configured.
        var pages = app.MapGroup("/subscriptions").WithMetadata(CacheClass.NoStore).ExcludeFromDescription()
            .AddEndpointFilter(static async (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<IOptions<EmailOptions>>().Value.Enabled
                    ? await next(context)
                    : Results.NotFound());
        pages.MapPost("/", Subscribe).RequireRateLimiting(SubscribeLimit);
        pages.MapGet("/sent", Sent);
        pages.MapGet("/confirm/{token}", (string token, SubscriptionStore store, HttpContext http) =>
            WithToken(store, token, http, s => Page(s.Language, "ConfirmTitle", null, action: $"/subscriptions/confirm/{token}", button: "ConfirmButton")));
        pages.MapPost("/confirm/{token}", Confirm);
        pages.MapGet("/manage/{token}", ManagePage);
        pages.MapPost("/manage/{token}", Manage);
        pages.MapGet("/unsubscribe/{token}", (string token, SubscriptionStore store, HttpContext http) =>
            WithToken(store, token, http, s => Page(s.Language, "UnsubscribeTitle", EmailText.Format(s.Language, "UnsubscribeText", SiteName(http)),
                action: $"/subscriptions/unsubscribe/{token}", button: "Unsubscribe")));
        // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here; a person's button posts the same form.
        pages.MapPost("/unsubscribe/{token}", Unsubscribe);

        var admin = adminOnly(app.MapGroup("/api/v1/subscriptions").WithTags("Subscriptions"));
        admin.MapGet("/", Counts);
        admin.MapGet("/export", Export);
        admin.MapGet("/log", EventLog);
        admin.MapDelete("/{id}", Remove);
        return app;
    }

    public sealed record SubscriptionCounts(int Pending, int Confirmed, int Bouncing, int FollowingOneIncident, int WithComponentFilter,
        int EmailsPending, int EmailsFailed, SmtpProblem? SmtpProblem);

    // While the SMTP server refuses the connection, the login, the sender or relaying: sending is paused, no bounce is counted.
    public sealed record SmtpProblem(string Error, DateTimeOffset Since, int FailedProbes, DateTimeOffset NextProbeAt);

    public sealed record SubscriberExport(string Id, string Email, string State, IReadOnlyList<string>? Components, string? Incident,
        string Language, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, int Bounces);

    // The form works without JavaScript. Public pages are cached and shared, so the form carries no antiforgery token: a forged
    // post can do no more than the form itself (ask for a confirmation email, rate limited); a cross-site post is refused anyway.
    private static async Task<IResult> Subscribe(HttpContext http, SubscriptionStore store, LedgerService ledger, EmailDispatcher dispatcher,
        IOptions<EmailOptions> options, TimeProvider time)
    {
        if (http.Request.Headers["Sec-Fetch-Site"] == "cross-site")
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Cross-site form.", "Subscribe from the status page itself.", "email", "same_site");
        }
        if (!http.Request.HasFormContentType)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                "Post application/x-www-form-urlencoded with email, components, incident and lang.", null, "form_body");
        }
        var form = await http.Request.ReadFormAsync();
        var lang = EmailText.Language(form["lang"]);
        var email = form["email"].ToString().Trim();
        var snapshot = ledger.Current;
        ImmutableArray<string> components = [.. form["components"].Where(c => !string.IsNullOrEmpty(c) && c != "all").Distinct(StringComparer.Ordinal)!];
        var incident = form["incident"].ToString() is { Length: > 0 } i ? i : null;
        var (field, rule, message) = !IsEmail(email) ? ("email", "email", "InvalidEmail")
            : components.Any(c => !snapshot.Components.ContainsKey(c)) ? ("components", "known_component", "UnknownComponent")
            : incident is not null && !snapshot.Incidents.ContainsKey(incident) ? ("incident", "known_incident", "UnknownIncident")
            : default;
        if (field is not null)
        {
            return Page(lang, "InvalidTitle", EmailText.Get(lang, message!), status: StatusCodes.Status400BadRequest, field: field, rule: rule);
        }
        var now = time.GetUtcNow();
        var key = Subscriber.KeyOf(email, incident);
        ImmutableArray<string>? filter = incident is null && components.Length > 0 ? components : null;
        var subscriber = new Subscriber(LedgerService.NewId(), email, Subscriber.NewToken(), filter, incident, lang,
            SubscriberState.Pending, now, null, snapshot.Head.Seq, 0, [now]);
        // Added only if the address and scope are new (also against a concurrent submit); else answered as known, within the limit.
        if (!store.TryAdd(subscriber, EmailDelivery.Notice(subscriber.Id, EmailKind.Confirmation, now)))
        {
            // Same answer either way (no enumeration); the mailbox's owner learns which case it was.
            // A pending request is replaced by the newest: its choices, and its expiry counts from now (only when an email goes out,
            // so never past the per-day limit). The token stays: every confirmation email sent to the address holds the same link.
            store.RequestAgain(key, now, options.Value.ConfirmationsPerDay, existing =>
            {
                var sent = existing.ConfirmationsSent.IsDefault ? [now] : existing.ConfirmationsSent.Where(t => t >= now - TimeSpan.FromDays(1)).Append(now);
                var updated = existing.State == SubscriberState.Pending
                    ? existing with { Components = filter, Language = lang, ConfirmationsSent = [.. sent], CreatedAt = now }
                    : existing with { ConfirmationsSent = [.. sent] };
                var kind = existing.State == SubscriberState.Pending ? EmailKind.Confirmation : EmailKind.AlreadySubscribed;
                return (updated, existing.State == SubscriberState.Bouncing ? null : EmailDelivery.Notice(existing.Id, kind, now));
            });
        }
        dispatcher.Wake();
        // Not "?lang=": that is the site's language switch, which would answer first with a redirect of its own.
        return TypedResults.Redirect($"/subscriptions/sent?language={lang}");
    }

    private static RazorComponentResult<SubscriptionPage> Sent(string? language) =>
        Page(EmailText.Language(language), "SentTitle", EmailText.Get(EmailText.Language(language), "SentText"));

    private static IResult Confirm(string token, SubscriptionStore store, LedgerService ledger, IOptions<EmailOptions> options,
        TimeProvider time, ILogger<EmailDispatcher> logger, HttpContext http) => WithToken(store, token, http, subscriber =>
    {
        var now = time.GetUtcNow();
        if (subscriber.State == SubscriberState.Pending)
        {
            if (subscriber.CreatedAt < now - options.Value.ConfirmWithin)
            {
                return Gone(subscriber.Language);
            }
            // From now on: no backlog of what was published before the confirmation.
            var confirmed = subscriber with { State = SubscriberState.Confirmed, ConfirmedAt = now, Cursor = ledger.Current.Head.Seq };
            store.Save(confirmed, logged: new SubscriptionEvent(now, "confirmed", subscriber.Id, SubscriptionStore.ScopeOf(subscriber)));
            LogEvent(logger, "confirmed", subscriber.Id);
        }
        return Page(subscriber.Language, "ConfirmedTitle", EmailText.Get(subscriber.Language, "ConfirmedText"),
            link: ($"/subscriptions/manage/{token}", "Manage"));
    }, requireConfirmed: false);

    private static IResult ManagePage(string token, SubscriptionStore store, LedgerService ledger, HttpContext http) =>
        WithToken(store, token, http, s => ManageView(s, ledger, token, null));

    private static async Task<IResult> Manage(string token, SubscriptionStore store, LedgerService ledger, TimeProvider time, HttpContext http)
    {
        if (store.FindByToken(token) is not { State: not SubscriberState.Pending } subscriber)
        {
            return Gone(EmailText.Language(null));
        }
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : FormCollection.Empty;
        var snapshot = ledger.Current;
        ImmutableArray<string> components = [.. form["components"].Where(c => c is { Length: > 0 } && snapshot.Components.ContainsKey(c)).Distinct()!];
        var updated = subscriber with
        {
            Language = EmailText.Language(form["lang"].ToString() is { Length: > 0 } l ? l : subscriber.Language),
            Components = subscriber.IncidentId is null && components.Length > 0 ? components : null,
        };
        store.Save(updated, logged: new SubscriptionEvent(time.GetUtcNow(), "changed", subscriber.Id, SubscriptionStore.ScopeOf(updated)));
        return ManageView(updated, ledger, token, "Saved");
    }

    // Idempotent: an unknown or already used token answers the same page (the token, not an address, is what was sent).
    private static RazorComponentResult<SubscriptionPage> Unsubscribe(string token, SubscriptionStore store, TimeProvider time, ILogger<EmailDispatcher> logger)
    {
        var subscriber = store.FindByToken(token);
        if (subscriber is not null && store.Remove(subscriber.Id,
                new SubscriptionEvent(time.GetUtcNow(), "unsubscribed", subscriber.Id, SubscriptionStore.ScopeOf(subscriber))))
        {
            LogEvent(logger, "unsubscribed", subscriber.Id);
        }
        var lang = subscriber?.Language ?? "en";
        return Page(lang, "UnsubscribedTitle", EmailText.Get(lang, "UnsubscribedText"));
    }

    private static Ok<SubscriptionCounts> Counts(SubscriptionStore store, EmailDispatcher dispatcher)
    {
        var relay = dispatcher.Relay;
        var all = store.ReadSubscribers();
        var pending = store.PendingDeliveries().Count;
        var failed = all.Sum(s => store.DeliveriesTo(s.Id).Count(d => d.State == EmailState.Failed));
        return TypedResults.Ok(new SubscriptionCounts(all.Count(s => s.State == SubscriberState.Pending),
            all.Count(s => s.State == SubscriberState.Confirmed), all.Count(s => s.State == SubscriberState.Bouncing),
            all.Count(s => s.IncidentId is not null), all.Count(s => s.ComponentFilter is not null), pending, failed,
            relay is null ? null : new SmtpProblem(relay.Error, relay.Since, relay.Failures, relay.NextProbeAt)));
    }

    private static Ok<SubscriberExport[]> Export(SubscriptionStore store, System.Security.Claims.ClaimsPrincipal user, ILogger<EmailDispatcher> logger)
    {
        LogExported(logger, user.Identity!.Name!);
        return TypedResults.Ok(store.ReadSubscribers().OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new SubscriberExport(s.Id, s.Email, s.State, s.Components is { } c ? [.. c] : null, s.IncidentId, s.Language,
                s.CreatedAt, s.ConfirmedAt, s.Bounces)).ToArray());
    }

    private static Results<Ok<SubscriptionEvent[]>, ProblemHttpResult> EventLog(SubscriptionStore store, int limit = 100) =>
        limit is < 1 or > 1000
            ? Problems.Of(Client.Contracts.RuleCatalogue.InRange, "limit must be between 1 and 1000.", "limit", "Invalid limit.")
            : TypedResults.Ok(store.RecentEvents(limit).ToArray());

    private static Results<NoContent, ProblemHttpResult> Remove(string id, SubscriptionStore store, TimeProvider time,
        System.Security.Claims.ClaimsPrincipal user, ILogger<EmailDispatcher> logger)
    {
        if (store.Find(id) is not { } subscriber
            || !store.Remove(id, new SubscriptionEvent(time.GetUtcNow(), "removed", id, SubscriptionStore.ScopeOf(subscriber))))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "Not found.", $"There is no subscription '{id}'.", "id", "known_subscription");
        }
        LogRemoved(logger, id, user.Identity!.Name!);
        return TypedResults.NoContent();
    }

    private static RazorComponentResult<SubscriptionPage> ManageView(Subscriber s, LedgerService ledger, string token, string? savedKey)
    {
        var snapshot = ledger.Current;
        var following = s.IncidentId is { } id && snapshot.Incidents.TryGetValue(id, out var incident)
            ? EmailText.Format(s.Language, "Following", incident.Title)
            : null;
        return new RazorComponentResult<SubscriptionPage>(new Dictionary<string, object?>
        {
            [nameof(SubscriptionPage.Language)] = s.Language,
            [nameof(SubscriptionPage.Title)] = EmailText.Get(s.Language, "ManageTitle"),
            [nameof(SubscriptionPage.Text)] = savedKey is null ? following : EmailText.Get(s.Language, savedKey),
            [nameof(SubscriptionPage.Manage)] = new SubscriptionPage.ManageForm(token, s.Email, s.IncidentId is null
                ? [.. snapshot.ComponentsInOrder.Select(c => (c.Id, c.Name, s.ComponentFilter?.Contains(c.Id) ?? false))]
                : []),
        });
    }

    private static IResult WithToken(SubscriptionStore store, string token, HttpContext http, Func<Subscriber, IResult> found,
        bool requireConfirmed = false)
    {
        _ = http;
        var subscriber = store.FindByToken(token);
        return subscriber is null || (requireConfirmed && subscriber.State == SubscriberState.Pending) ? Gone("en") : found(subscriber);
    }

    private static RazorComponentResult<SubscriptionPage> Gone(string lang) => Page(lang, "GoneTitle", EmailText.Get(lang, "GoneText"), status: StatusCodes.Status404NotFound);

    private static RazorComponentResult<SubscriptionPage> Page(string lang, string titleKey, string? text, string? action = null, string? button = null,
        (string Href, string Key)? link = null, int status = StatusCodes.Status200OK, string? field = null, string? rule = null) =>
        new(new Dictionary<string, object?>
        {
            [nameof(SubscriptionPage.Language)] = lang,
            [nameof(SubscriptionPage.Title)] = EmailText.Get(lang, titleKey),
            [nameof(SubscriptionPage.Text)] = text,
            [nameof(SubscriptionPage.Action)] = action,
            [nameof(SubscriptionPage.Button)] = button is null ? null : EmailText.Get(lang, button),
            [nameof(SubscriptionPage.Link)] = link is { } l ? (l.Href, EmailText.Get(lang, l.Key)) : null,
            [nameof(SubscriptionPage.Field)] = field,
            [nameof(SubscriptionPage.Rule)] = rule,
        })
        { StatusCode = status };

    private static string SiteName(HttpContext http) => http.RequestServices.GetRequiredService<Site.SiteSettingsHolder>().Current.Name;

    // A bare address (no display name, no route), at most 254 characters.
    public static bool IsEmail(string text) =>
        text.Length is > 2 and <= MaxEmailLength && !text.Any(char.IsWhiteSpace) && !text.Any(char.IsControl)
        && MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox) && string.IsNullOrEmpty(mailbox!.Name)
        && mailbox!.Address == text && text.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < text.Length - 1
        && mailbox.Route.Count == 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "Email subscription {Id} {Event}.")]
    private static partial void LogEvent(ILogger logger, string @event, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email subscription {Id} removed by {Operator}.")]
    private static partial void LogRemoved(ILogger logger, string id, string @operator);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email subscribers exported by {Operator}.")]
    private static partial void LogExported(ILogger logger, string @operator);
}
