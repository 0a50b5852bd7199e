using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// An axe scan of one page of every public page type, in both colour schemes (contrast differs between them).
[Collection(SharedPublicSite.Name)]
public sealed class PublicPagesAccessibilityTests(BrowserFixture fixture)
{
    public static TheoryData<string, ColorScheme> PagesAndSchemes()
    {
        var data = new TheoryData<string, ColorScheme>();
        foreach (var page in PublicPages.All)
        {
            data.Add(page.Name, ColorScheme.Light);
            data.Add(page.Name, ColorScheme.Dark);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PagesAndSchemes))]
    public async Task Public_page_has_no_axe_violations(string name, ColorScheme scheme)
    {
        var target = PublicPages.Named(name);
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { ColorScheme = scheme });
        var page = await PublicPages.OpenAsync(context, target);
        Assert.Equal(scheme == ColorScheme.Dark, await page.EvaluateAsync<bool>("() => matchMedia('(prefers-color-scheme: dark)').matches"));

        var results = await page.RunAxe();

        Assert.NotEmpty(results.Passes);
        Assert.True(results.Violations.Length == 0, AxeReport.Describe($"{target.Path} ({scheme})", results.Violations));
    }
}
