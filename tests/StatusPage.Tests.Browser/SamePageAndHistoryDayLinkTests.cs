namespace StatusPage.Tests.Browser;

// Links that once led nowhere (found by these tests, fixed in the server): same-page fragment links in a timeline
// (a <base href="/"> made them resolve against the home page) and uptime-bar days whose history day did not list
// the incidents that touched it.
[Collection(SharedPublicSite.Name)]
public sealed class SamePageAndHistoryDayLinkTests(BrowserFixture fixture)
{
    [Fact]
    public Task Clicking_the_corrected_mark_shows_the_correction_on_the_same_page() =>
        IncidentPageTests.AssertCorrectedMarkLeadsToTheCorrectionAsync(fixture);

    [Fact]
    public Task Clicking_the_link_in_a_correction_goes_back_to_the_update_it_corrects() =>
        IncidentPageTests.AssertCorrectionLeadsBackToTheOriginalAsync(fixture);

    [Fact]
    public Task Every_day_of_every_bar_that_names_incidents_links_to_its_history_month_at_one_of_them() =>
        UptimeBarKeyboardTests.AssertEveryIncidentDayLinksToTheHistoryMonthAtOneOfItsIncidentsAsync(fixture);
}
