using System.Buffers.Binary;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// Full-page PNGs under test-output/ for people to look at, checked to be real images of the expected size.
public static class Screenshots
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static async Task SaveFullPageAsync(IPage page, string file, int width, int height)
    {
        var path = Path.Combine(TestPaths.TestOutput, file);
        File.Delete(path);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 24, $"{path} is empty or truncated ({png.Length} bytes)");
        Assert.Equal(PngSignature, png[..8]);
        // The IHDR chunk follows the signature: width then height, big-endian.
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)) >= height, "the full-page screenshot is shorter than the viewport");
    }
}
