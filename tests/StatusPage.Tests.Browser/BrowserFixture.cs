namespace StatusPage.Tests.Browser;

// The shared test server setup (temp LiteDB file, repository content) and one headless Chromium.
public sealed class BrowserFixture() : ServerAndBrowser(new StatusPageFactory(kestrel: true));
