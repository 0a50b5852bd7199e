namespace StatusPage.Server.Transparency;

// The log's Ed25519 signing key, created at first use beside the data file (owner read/write only) in Go's sumdb/note
// private-key form, so other tools can read it. Its name is the log's origin, fixed when the key is made.
// A replacement is staged first (<path>.next), recorded in the ledger, then committed: the old key file is kept as
// <path>.retired-<key ID>, so a crash between the two leaves a staged key the next start can finish or discard.
public sealed class TransparencyKeyFile(string path, Func<string> originForNewKey) : IDisposable
{
    private readonly Lazy<(NoteSigner Signer, bool Created)> _opened = new(() => LoadOrCreate(path, originForNewKey),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private NoteSigner? _replacement;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string StagedPath => Path + ".next";

    public NoteSigner Signer => Volatile.Read(ref _replacement) ?? _opened.Value.Signer;

    public NoteVerifier Verifier => Signer.Verifier;

    // Default beside the data file: data/statuspage.db → data/statuspage.db.signing-key.
    public static string DefaultPath(string dataPath) => dataPath + ".signing-key";

    // A new key with the same name (the log's origin), written beside the key file but not in use yet.
    public NoteSigner StageNext()
    {
        var next = NoteSigner.Generate(Signer.Name);
        WriteKey(StagedPath, next);
        return next;
    }

    // The staged key a replacement left behind, if any.
    public NoteSigner? Staged()
    {
        if (!File.Exists(StagedPath))
        {
            return null;
        }
        try
        {
            return NoteSigner.Parse(File.ReadAllText(StagedPath));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public void DiscardStaged() => File.Delete(StagedPath);

    // The ledger recorded the staged key: sign with it from now on, keep the old key file aside, the staged one in its place.
    public void CommitStaged(NoteSigner next)
    {
        var old = Signer;
        Volatile.Write(ref _replacement, next);
        if (File.Exists(Path))
        {
            File.Move(Path, $"{Path}.retired-{old.Verifier.KeyId:x8}", overwrite: true);
        }
        File.Move(StagedPath, Path);
    }

    private static (NoteSigner, bool Created) LoadOrCreate(string path, Func<string> originForNewKey)
    {
        if (File.Exists(path))
        {
            try
            {
                return (NoteSigner.Parse(File.ReadAllText(path)), false);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"The transparency log's signing key {path} cannot be read: {e.Message}", e);
            }
        }
        var signer = NoteSigner.Generate(originForNewKey());
        WriteKey(path, signer);
        return (signer, true);
    }

    private static void WriteKey(string path, NoteSigner signer)
    {
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
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        if (_opened.IsValueCreated)
        {
            _opened.Value.Signer.Dispose();
        }
        _replacement?.Dispose();
    }
}
