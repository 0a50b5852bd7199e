using System.Globalization;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace StatusPage.Tests.Browser;

public sealed class HomePageAccessibilityTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Home_page_has_no_axe_violations()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/") ?? throw new InvalidOperationException("no response for /");
        Assert.Equal(200, response.Status);

        var results = await page.RunAxe();

        Assert.NotEmpty(results.Passes);
        Assert.True(results.Violations.Length == 0, Describe(results.Violations));
    }

    // One paragraph per violation: rule, impact, what to fix, and every failing element's selector.
    private static string Describe(AxeResultItem[] violations)
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{violations.Length} axe violation(s) on /:");
        foreach (var violation in violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {violation.Id} ({violation.Impact}): {violation.Help} <{violation.HelpUrl}>");
            foreach (var node in violation.Nodes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    at {node.Target}: {node.Html}");
                // Axe's own failure summary: every failed "all"/"none" check, or all "any" checks when none passed.
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
