namespace StatusPage.Server.Transparency;

// The log's Ed25519 signing key, created at first use beside the data file (owner read/write only) in Go's sumdb/note
// private-key form, so other tools can read it. Its name is the log's origin, fixed when the key is made.
public sealed class TransparencyKeyFile(string path, Func<string> originForNewKey) : IDisposable
{
    private readonly Lazy<NoteSigner> _signer = new(() => LoadOrCreate(path, originForNewKey), LazyThreadSafetyMode.ExecutionAndPublication);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public NoteSigner Signer => _signer.Value;

    public NoteVerifier Verifier => Signer.Verifier;

    // Default beside the data file: data/statuspage.db → data/statuspage.db.signing-key.
    public static string DefaultPath(string dataPath) => dataPath + ".signing-key";

    private static NoteSigner LoadOrCreate(string path, Func<string> originForNewKey)
    {
        if (File.Exists(path))
        {
            try
            {
                return NoteSigner.Parse(File.ReadAllText(path));
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"The transparency log's signing key {path} cannot be read: {e.Message}", e);
            }
        }
        var signer = NoteSigner.Generate(originForNewKey());
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        // Written under a temporary name, flushed to disk, then renamed: a crash never leaves half a key behind.
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(signer.ToPrivateKeyText() + "\n");
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path);
        return signer;
    }

    public void Dispose()
    {
        if (_signer.IsValueCreated)
        {
            _signer.Value.Dispose();
        }
    }
}
