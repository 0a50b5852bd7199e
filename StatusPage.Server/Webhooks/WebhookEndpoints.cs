using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Operators;
using StatusPage.Server.Site;

namespace StatusPage.Server.Webhooks;

internal static partial class WebhookEndpoints
{
    public const int MaxDeliveriesPage = 200;
    private static readonly TimeSpan FailureWindow = TimeSpan.FromHours(24);

    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        builder.Services.AddSingleton<WebhookStore>();
        builder.AddOutboundService<WebhookDispatcher>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization(OperatorsSetup.AdminPolicy)
            .AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies).WithJsonBodies();
        webhooks.MapGet("/", List);
        webhooks.MapPost("/", Register).Validates<CreateWebhookRequest>(c => new CreateWebhookValidator(c))
            .RequireRateLimiting(OperatorsSetup.WriteLimit);
        webhooks.MapDelete("/{id}", Remove).RequireRateLimiting(OperatorsSetup.WriteLimit);
        webhooks.MapGet("/{id}/deliveries", Deliveries);
        return app;
    }

    public sealed record WebhookView(string Id, string Url, IReadOnlyList<string>? Components, DateTimeOffset CreatedAt, string CreatedBy,
        int Pending, bool FailedRecently);

    public sealed record WebhookCreated(string Id, string Url, IReadOnlyList<string>? Components, string Secret, DateTimeOffset CreatedAt);

    public sealed record DeliveryView(string Id, long EntrySeq, string EntryKind, string Subject, string State, int Attempts,
        int? LastStatus, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset CreatedAt);

    // Never the secret: it is shown once, at registration.
    private static Ok<WebhookView[]> List(WebhookStore store, TimeProvider time)
    {
        var since = time.GetUtcNow() - FailureWindow;
        var undelivered = store.UndeliveredDeliveries().ToLookup(d => d.SubscriberId);
        return TypedResults.Ok(store.ReadSubscribers().OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new WebhookView(s.Id, s.Url, s.Components is { } ids ? [.. ids] : null, s.CreatedAt, s.CreatedBy,
                undelivered[s.Id].Count(d => d.State == DeliveryState.Pending), undelivered[s.Id].Any(d => d.FailedSince(since))))
            .ToArray());
    }

    // The subscriber starts at the current head: it gets what is appended from now on, not the old history.
    private static async Task<Results<Created<WebhookCreated>, ValidationProblem, ProblemHttpResult>> Register(
        CreateWebhookRequest request, ClaimsPrincipal user, LedgerService ledger, WebhookStore store, IOptions<WebhookOptions> options,
        TimeProvider time, ILogger<WebhookDispatcher> logger, CancellationToken cancellationToken)
    {
        var state = ledger.Current;
        var url = new Uri(request.Url!, UriKind.Absolute);
        if (!options.Value.AllowPrivateTargets
            && await WebhookTargetGuard.ProblemWithTargetAsync(url, cancellationToken) is { } refused)
        {
            return Problems.Validation([new Problems.Violation("url", RuleCatalogue.PublicAddress.Code, refused)]);
        }
        ImmutableArray<string>? components = request.Components is { Count: > 0 } ids ? [.. ids.Distinct(StringComparer.Ordinal)] : null;
        var subscriber = new WebhookSubscriber(LedgerService.NewId(), url.AbsoluteUri, WebhookSubscriber.NewSecret(), components,
            LedgerEntry.TruncateToMilliseconds(time.GetUtcNow()), user.Identity!.Name!, state.Head.Seq);
        store.AddSubscriber(subscriber);
        LogRegistered(logger, subscriber.Id, subscriber.CreatedBy);
        return TypedResults.Created($"/api/v1/webhooks/{subscriber.Id}",
            new WebhookCreated(subscriber.Id, subscriber.Url, components is { } c ? [.. c] : null, subscriber.Secret, subscriber.CreatedAt));
    }

    private static Results<NoContent, ProblemHttpResult> Remove(string id, ClaimsPrincipal user, WebhookStore store,
        ILogger<WebhookDispatcher> logger)
    {
        if (!store.RemoveSubscriber(id))
        {
            return UnknownWebhook(id);
        }
        LogRemoved(logger, id, user.Identity!.Name!);
        return TypedResults.NoContent();
    }

    // Newest first (by ledger order), at most `limit`.
    private static Results<Ok<DeliveryView[]>, ProblemHttpResult> Deliveries(string id, WebhookStore store, int limit = 50)
    {
        if (limit is < 1 or > MaxDeliveriesPage)
        {
            return Problems.Of(RuleCatalogue.InRange, $"limit must be between 1 and {MaxDeliveriesPage}.", "limit", "Invalid limit.");
        }
        if (store.FindSubscriber(id) is null)
        {
            return UnknownWebhook(id);
        }
        return TypedResults.Ok(store.RecentDeliveries(id, limit).Select(d => new DeliveryView(d.Id, d.EntrySeq, d.EntryKind, d.Subject,
            d.State, d.Attempts, d.LastStatus, d.LastError, d.NextAttemptAt, d.DeliveredAt, d.CreatedAt)).ToArray());
    }

    private static ProblemHttpResult UnknownWebhook(string id) =>
        Problems.Of(RuleCatalogue.WebhookNotFound, $"There is no webhook '{id}'.", "id");

    // Subscribers are not ledger entries (see README): the log is where registration and removal are recorded, without secret.
    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {Id} registered by {Operator}.")]
    private static partial void LogRegistered(ILogger logger, string id, string @operator);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {Id} removed by {Operator}.")]
    private static partial void LogRemoved(ILogger logger, string id, string @operator);
}
