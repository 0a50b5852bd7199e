namespace StatusPage.Server.Site;

// Absolute public addresses under the site URL of site.yml (which may itself have a path).
internal static class SiteLinks
{
    public static Uri Absolute(SiteSettings site, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(site);
        var root = site.Url.AbsoluteUri.EndsWith('/') ? site.Url : new Uri(site.Url.AbsoluteUri + "/");
        return new Uri(root, relativePath.TrimStart('/'));
    }

    public static Uri Incident(SiteSettings site, string id) => Absolute(site, "incidents/" + Uri.EscapeDataString(id));

    public static Uri Maintenance(SiteSettings site, string id) => Absolute(site, "maintenance/" + Uri.EscapeDataString(id));

    public static Uri Component(SiteSettings site, string id) => Absolute(site, "components/" + Uri.EscapeDataString(id));

    // The public page gives every post the HTML id update-{postId}.
    public static Uri Post(Uri permalink, string postId) => new(permalink.AbsoluteUri + "#update-" + Uri.EscapeDataString(postId));
}
