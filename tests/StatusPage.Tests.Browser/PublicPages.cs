using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// One public page of each type, with the status code it must answer, for tests that cover every page type.
public sealed record PublicPage(string Name, string Path, int Status);

public static partial class PublicPages
{
    public const string RebootIncidentId = "2026-08-19-fra1-region-reboot";

    public static readonly PublicPage Home = new("home", "/", 200);
    public static readonly PublicPage Incident = new("incident", "/incidents/" + RebootIncidentId, 200);
    public static readonly PublicPage Maintenance = new("maintenance", "/maintenance/2026-10-06-switch-firmware-fra1", 200);
    public static readonly PublicPage History = new("history", "/history", 200);
    public static readonly PublicPage HistoryMonth = new("history-month", "/history/2026/08", 200);
    public static readonly PublicPage Component = new("component", "/components/private-network", 200);
    public static readonly PublicPage Uptime = new("uptime", "/uptime", 200);
    public static readonly PublicPage Provider = new("provider", "/providers/halden", 200);
    public static readonly PublicPage Sla = new("sla", "/sla", 200);
    public static readonly PublicPage NotFound = new("not-found", "/incidents/no-such-incident", 404);

    public static IReadOnlyList<PublicPage> All { get; } = [Home, Incident, Maintenance, History, HistoryMonth, Component, Uptime, Provider, Sla, NotFound];

    public static PublicPage Named(string name) => All.Single(p => p.Name == name);

    // Page names as xunit theory data (strings keep the test names readable).
    public static TheoryData<string> Names() => [.. All.Select(p => p.Name)];

    public static async Task<IPage> OpenAsync(IBrowserContext context, PublicPage page) =>
        await OpenAsync(context, page.Path, page.Status);

    public static async Task<IPage> OpenAsync(IBrowserContext context, string path, int status = 200)
    {
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(path) ?? throw new InvalidOperationException("no response for " + path);
        Assert.True(response.Status == status, $"GET {path} answered {response.Status}, expected {status}");
        return page;
    }

    // Waits for a navigation by its outcome, polling (WaitForURLAsync twice hung for 30 s waiting for a load state after
    // the URL had matched): the URL, a marker only the new page has, and the footer that ends every page.
    public static async Task WaitForPageAsync(IPage page, Regex url, ILocator marker)
    {
        await Assertions.Expect(page).ToHaveURLAsync(url);
        await Assertions.Expect(marker).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("footer.site-footer")).ToBeAttachedAsync();
    }

    // Any origin, then exactly this path (and query, and fragment if given).
    public static Regex At(string pathQueryAndFragment) => new("^https?://[^/]+" + Regex.Escape(pathQueryAndFragment) + "$");

    // The current URL has a fragment, e.g. after following an in-page link.
    public static Regex WithFragment { get; } = new("#.+$");

    // The path and query of the page's current URL, e.g. /incidents/x?order=newest.
    public static string PathAndQuery(IPage page) => new Uri(page.Url).PathAndQuery;

    public static string Fragment(IPage page) => new Uri(page.Url).Fragment;

    // Whitespace runs as single spaces, trimmed: innerText comparisons independent of line breaks.
    public static string Squash(string text) => Whitespace().Replace(text, " ").Trim();

    // A context that cannot run scripts, checked rather than assumed.
    public static async Task<IBrowserContext> NewContextWithoutJavaScriptAsync(ServerAndBrowser fixture, BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.JavaScriptEnabled = false;
        var context = await fixture.NewContextAsync(options);
        var probe = await context.NewPageAsync();
        await probe.SetContentAsync("<p id=probe>off</p><script>document.getElementById('probe').textContent = 'on'</script>");
        Assert.Equal("off", await probe.Locator("#probe").InnerTextAsync());
        await probe.CloseAsync();
        return context;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

public static class AxeReport
{
    // One paragraph per violation: rule, impact, what to fix, and every failing element's selector and axe's messages.
    public static string Describe(string where, AxeResultItem[] violations)
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{violations.Length} axe violation(s) on {where}:");
        foreach (var violation in violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {violation.Id} ({violation.Impact}): {violation.Help} <{violation.HelpUrl}>");
            foreach (var node in violation.Nodes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    at {node.Target}: {node.Html}");
                var failed = (node.All ?? []).Concat(node.None ?? []).Concat(node.Any ?? []).Select(c => c.Message);
                foreach (var message in failed.Where(m => !string.IsNullOrWhiteSpace(m)).Distinct())
                {
                    text.AppendLine("      " + message.ReplaceLineEndings(" "));
                }
            }
        }
        return text.ToString();
    }
}
