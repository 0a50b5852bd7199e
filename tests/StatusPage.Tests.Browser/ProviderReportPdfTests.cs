using System.Diagnostics;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The provider report as the seed team needed it: Chromium prints it to PDF (A4 and Letter), pdftotext (poppler-utils) reads
// the incidents, tickets, odds and the signed checkpoint back, and the pages are saved as PNGs under test-output/ to look at.
[Collection(SharedPublicSite.Name)]
public sealed class ProviderReportPdfTests(BrowserFixture fixture)
{
    private const string Report = "/providers/halden/report?from=2026-06-01&to=2026-09-30";

    [Theory]
    [InlineData("A4", 595, 842)]
    [InlineData("Letter", 612, 792)]
    public async Task The_report_prints_to_pdf_with_the_incidents_tickets_odds_and_the_signed_checkpoint(string format, int width, int height)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, Report);
        var root = (await page.Locator("pre.report-checkpoint").InnerTextAsync()).Split('\n')[2];
        var pdf = Path.Combine(TestPaths.TestOutput, $"provider-report-{format}.pdf");
        File.Delete(pdf);

        await page.PdfAsync(new PagePdfOptions { Path = pdf, Format = format, PrintBackground = true });

        var text = Run("pdftotext", "-layout", pdf, "-");
        Assert.Contains("Provider report: Halden Hosting", text, StringComparison.Ordinal);
        Assert.Contains("17 of 17 incidents on Halden Hosting began at :56 past the hour", Flat(text), StringComparison.Ordinal);
        Assert.Contains("less than 1 in 10", text, StringComparison.Ordinal);
        foreach (var id in new[] { "2026-06-03-private-network-fra1", "2026-07-31-private-network-fra1", "2026-09-29-private-network-fra1" })
        {
            Assert.Contains(id, text, StringComparison.Ordinal);
        }
        Assert.Contains("HH-2231907", text, StringComparison.Ordinal);
        Assert.Contains("status.tidewater.example/ledger", text, StringComparison.Ordinal);
        Assert.Contains(root, text.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("verify-proof", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Back to the provider page", text, StringComparison.Ordinal); // the screen-only nav is not printed
        var info = Run("pdfinfo", pdf);
        Assert.Matches($@"Page size:\s+{width}(\.\d+)? x {height}(\.\d+)? pts", info);
        var pages = int.Parse(info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal))[6..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pages, 3, 40);

        // The pages as images, for people to look at.
        var prefix = Path.Combine(TestPaths.TestOutput, $"provider-report-{format}");
        Run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", pdf, prefix);
        Assert.True(File.Exists(prefix + "-1.png") || File.Exists(prefix + "-01.png"), "pdftoppm wrote no image of page 1");
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(375, 667)]
    public async Task The_provider_page_fits_the_screen_and_is_saved_as_a_full_page_png(int width, int height)
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = 1,
        });
        var page = await PublicPages.OpenAsync(context, "/providers/halden");

        Assert.Equal("Halden Hosting", (await page.Locator("h1").InnerTextAsync()).Trim());
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"the provider page scrolls horizontally at {width} px: scrollWidth is {scrollWidth}");
        await Screenshots.SaveFullPageAsync(page, $"provider-{width}.png", width, height);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestPaths.TestOutput, $"provider-{width}-top.png") });
    }

    [Fact]
    public async Task The_report_form_on_the_provider_page_opens_the_report_for_the_chosen_days()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, "/providers/halden");

        await page.Locator("form.report-form input[name=from]").FillAsync("2026-06-01");
        await page.Locator("form.report-form input[name=to]").FillAsync("2026-06-30");
        await page.Locator("form.report-form button").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(PublicPages.At("/providers/halden/report?from=2026-06-01&to=2026-06-30"));

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Provider report: Halden Hosting");
        Assert.Equal(5, await page.Locator("table.report-table").First.Locator("tbody tr").CountAsync());
    }

    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + tool);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
