// Browser test classes run one at a time: a server and a Chromium per class, all started at once, made the console tests time
// out at 30 s under load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace StatusPage.Tests.Browser;

// The shared test server setup (temp LiteDB file, repository content, the fixed demo clock) and one headless Chromium.
public sealed class BrowserFixture() : ServerAndBrowser(new StatusPageFactory(kestrel: true));

// One BrowserFixture for every public-page test class: they only read, so one server and one Chromium serve them all.
[CollectionDefinition(Name)]
public sealed class SharedPublicSite : ICollectionFixture<BrowserFixture>
{
    public const string Name = "public site";
}
