namespace StatusPage.Server.Transparency;

// Configuration section "StatusPage:Transparency".
internal sealed class TransparencyOptions
{
    public const string Section = "StatusPage:Transparency";

    // The log's origin and key name, used only when the key is created; afterwards the key file's name is the origin.
    public string? Origin { get; set; }

    // The signing key file; default beside the data file (statuspage.db.signing-key).
    public string? KeyPath { get; set; }

    // The key file for a data file: KeyPath (relative to the data file's folder) or the default beside it.
    public string KeyPathFor(string dataPath) =>
        KeyPath is { Length: > 0 } path ? Path.GetFullPath(path, Path.GetDirectoryName(dataPath)!) : TransparencyKeyFile.DefaultPath(dataPath);

    // https://status.tidewater.example → status.tidewater.example/ledger (C2SP: a schema-less URL, no spaces or '+').
    public static string OriginFor(Uri siteUrl)
    {
        var origin = (siteUrl.Authority + siteUrl.AbsolutePath).TrimEnd('/') + "/ledger";
        return new string([.. origin.Where(c => c != '+' && !char.IsWhiteSpace(c) && !char.IsControl(c))]);
    }
}
