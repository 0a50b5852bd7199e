namespace StatusPage.Tests.Browser;

// Browser tests that fail today because of server bugs (not skipped: they stay red until the server is fixed).
// Each states the behaviour the server owes; its body lives with its feature's tests. Once a bug is fixed, move the
// test back to its class.
public sealed class ServerBugsFoundByBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // Bug: since the CSP allows `base-uri 'self'`, App.razor's `<base href="/">` applies, so the timeline's fragment-only
    // links resolve against "/": `a.corrected` (href "#update-<correction id>") goes to /#update-… on the home page.
    [Fact]
    public Task Clicking_the_corrected_mark_shows_the_correction_on_the_same_page() =>
        IncidentPageTests.AssertCorrectedMarkLeadsToTheCorrectionAsync(fixture);

    // Same bug: `.correction-of a` (href "#update-<original id>") goes to /#update-… on the home page.
    [Fact]
    public Task Clicking_the_link_in_a_correction_goes_back_to_the_update_it_corrects() =>
        IncidentPageTests.AssertCorrectionLeadsBackToTheOriginalAsync(fixture);

    // Bug: the bar links each day an incident touched to /history/YYYY/MM#d-<day>, but the history month only has an
    // anchor for the day an incident started: /history/2026/11#d-2026-11-24 (the open incident, started 23 Nov) lands nowhere.
    [Fact]
    public Task Every_day_of_every_bar_that_names_incidents_links_to_a_history_day_that_lists_them() =>
        UptimeBarKeyboardTests.AssertEveryIncidentDayLinksToAHistoryDayListingItAsync(fixture);
}
