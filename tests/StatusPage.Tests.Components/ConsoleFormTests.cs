using System.Net;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using StatusPage.Client.Console.Forms;
using StatusPage.Client.Console.Pages;
using StatusPage.Client.Contracts;

namespace StatusPage.Tests.Components;

// The console's forms with MudBlazor, against a fake API: shared validation messages, server problems on fields, preview, templates.
public sealed class ConsoleFormTests : IAsyncLifetime
{
    private const string Components = """[{"id":"ingestion-api","name":"Ingestion API","group":"api","group_name":"API","position":0,"status":"operational"}]""";
    private const string Templates = """[{"name":"investigating","title":"Investigating","body":"We are investigating _symptom_."}]""";

    private readonly FakeApi _api = new FakeApi()
        .Answer(HttpMethod.Get, "/api/v1/components", HttpStatusCode.OK, Components)
        .Answer(HttpMethod.Get, "/api/v1/templates", HttpStatusCode.OK, Templates)
        .Answer(HttpMethod.Post, "/api/v1/preview", body => body.Contains("**bold**", StringComparison.Ordinal)
            ? """{"html":"<p>rendered <strong>bold</strong></p>"}"""
            : """{"html":"<p>other</p>"}""");

    private readonly BunitContext _context;

    public ConsoleFormTests() => _context = ConsoleContext.Create(_api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task An_empty_new_incident_shows_the_shared_validators_messages_and_sends_nothing()
    {
        _context.Render<MudPopoverProvider>();
        var form = _context.Render<NewIncident>();

        form.Find("[data-testid=submit]").Click();

        await form.WaitForAssertionAsync(() => Assert.Contains("The title must not be empty.", form.Markup, StringComparison.Ordinal));
        Assert.Contains("The body must not be empty.", form.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Sent, r => r.Method == HttpMethod.Post && r.PathAndQuery == "/api/v1/incidents");
    }

    [Fact]
    public async Task A_refusal_from_the_server_is_shown_beside_the_field_it_names()
    {
        _api.Answer(HttpMethod.Post, "/api/v1/incidents", HttpStatusCode.BadRequest,
            """{"title":"The request has invalid fields.","status":400,"errors":{"title":["Server says this title is taken."]}}""",
            "application/problem+json");
        _context.Render<MudPopoverProvider>();
        var form = _context.Render<NewIncident>();
        await form.WaitForAssertionAsync(() => Assert.Contains(_api.Sent, r => r.PathAndQuery == "/api/v1/templates"));

        form.Find("input").Input("Ingestion errors");
        form.Find("textarea").Input("We are looking.");
        form.Find("[data-testid=submit]").Click();

        await form.WaitForAssertionAsync(() => Assert.Contains("Server says this title is taken.", form.Markup, StringComparison.Ordinal));
        var sent = Assert.Single(_api.Sent, r => r.Method == HttpMethod.Post && r.PathAndQuery == "/api/v1/incidents");
        Assert.Contains("\"title\":\"Ingestion errors\"", sent.Body, StringComparison.Ordinal);
        Assert.Contains("\"body\":\"We are looking.\"", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_preview_shows_the_html_the_server_rendered_for_the_body()
    {
        var body = _context.Render<MarkdownBody>(p => p.Add(b => b.PreviewDelay, TimeSpan.Zero));

        body.Find("textarea").Input("Some **bold** text");

        await body.WaitForAssertionAsync(() => Assert.NotNull(body.Find("[data-testid=preview] strong")));
        Assert.Equal("bold", body.Find("[data-testid=preview] strong").TextContent);
        Assert.Contains(_api.Sent, r => r.PathAndQuery == "/api/v1/preview" && r.Body.Contains("Some **bold** text", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Choosing_a_template_fills_the_body_with_its_text()
    {
        var popovers = _context.Render<MudPopoverProvider>();
        string? value = null;
        var templates = new[] { new TemplateView("investigating", "Investigating", "We are investigating _symptom_.") };
        var body = _context.Render<MarkdownBody>(p => p
            .Add(b => b.Templates, templates)
            .Add(b => b.PreviewDelay, TimeSpan.Zero)
            .Add(b => b.ValueChanged, v => value = v));

        body.Find("button").Click();
        await popovers.WaitForAssertionAsync(() => Assert.Contains("Investigating", popovers.Markup, StringComparison.Ordinal));
        popovers.FindAll(".mud-menu-item").Single(i => i.TextContent.Contains("Investigating", StringComparison.Ordinal)).Click();

        await body.WaitForAssertionAsync(() => Assert.Equal("We are investigating _symptom_.", value));
        Assert.Equal("We are investigating _symptom_.", body.Find("textarea").GetAttribute("value") ?? body.Find("textarea").TextContent);
    }

    [Fact]
    public async Task The_correction_dialog_states_that_the_original_stays_visible_marked_corrected()
    {
        var dialogs = _context.Render<MudDialogProvider>();
        var service = _context.Services.GetRequiredService<IDialogService>();

        await dialogs.InvokeAsync(() => service.ShowAsync<CorrectDialog>("Correct this update",
            new DialogParameters<CorrectDialog> { { d => d.Post, Post() }, { d => d.SubjectPath, "api/v1/incidents/i" } }));

        await dialogs.WaitForAssertionAsync(() => Assert.Contains("The original stays visible, marked corrected",
            dialogs.Find("[data-testid=consequence]").TextContent, StringComparison.Ordinal));
        dialogs.Find("[data-testid=confirm-correction]").Click();
        await dialogs.WaitForAssertionAsync(() => Assert.Contains("The reason must not be empty.", dialogs.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(_api.Sent, r => r.PathAndQuery.Contains("/corrections", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_redaction_dialog_states_that_the_text_is_hidden_and_the_entry_stays_in_the_ledger()
    {
        _api.Answer(HttpMethod.Post, "/api/v1/incidents/i/updates/p1/redactions", HttpStatusCode.Created, """{"id":"r1"}""");
        var dialogs = _context.Render<MudDialogProvider>();
        var service = _context.Services.GetRequiredService<IDialogService>();

        var reference = await dialogs.InvokeAsync(() => service.ShowAsync<RedactDialog>("Redact this update",
            new DialogParameters<RedactDialog> { { d => d.Post, Post() }, { d => d.SubjectPath, "api/v1/incidents/i" } }));
        await dialogs.WaitForAssertionAsync(() => Assert.Contains(
            "The text is hidden behind a visible redaction notice; the entry stays in the ledger",
            dialogs.Find("[data-testid=consequence]").TextContent, StringComparison.Ordinal));
        dialogs.Find("input").Input("pasted a password");
        dialogs.Find("[data-testid=confirm-redaction]").Click();

        var result = await reference.Result;
        Assert.False(result!.Canceled);
        var sent = Assert.Single(_api.Sent, r => r.PathAndQuery == "/api/v1/incidents/i/updates/p1/redactions");
        Assert.Contains("\"reason\":\"pasted a password\"", sent.Body, StringComparison.Ordinal);
    }

    private static PostView Post() => new("p1", 1, "update", "investigating", "The original text.", ConsoleContext.Now, ConsoleContext.Now,
        "admin", new Dictionary<string, ComponentStatus>(), null, null, null, [], null);
}
