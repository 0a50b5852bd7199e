using System.Runtime.CompilerServices;
using System.Text.Json;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.StaticExport;

// manifest.json at the export's root: every file with its size, SHA-256, type, coding and cache class, sorted by path, no
// dates (the same ledger gives the same manifest). Compared by the next export and by publish. Added in issue 15 (readers of
// version 1 ignore them): "renderer" at the top (what else the bytes depend on: this build, the site settings, the zone's offset)
// and "version" on a page (the seq at which its content last changed, with "@" and its clock window's start when it also moves
// with the clock): the next export fetches a page again only when one of them moved.
// Version 2 (issue 15, "Scale"): the entries live in up to 256 parts under manifest/, each a version-1 manifest of the files of
// the pages it owns (an incident's folder, a component's, the site-wide pages...), named by its SHA-256; manifest.json lists
// them. One post changes a handful of owners, so an increment writes those parts, not 230,000 entries (67 MB) at 100,000
// ledger entries. Parts are written before the list that names them and never overwritten, so a reader (or a crash) sees the
// old set or the new one, whole. Version 1 (one file) is still read. "part_scheme" says how PartOf grouped the files (absent:
// 1, when the log's files were all one owner); a part listed under another scheme is never reused, only read.
public static class ExportManifest
{
    public const string PartsFolder = "manifest";
    public const int PartCount = 256;

    // How PartOf groups files; raised whenever it changes, so parts grouped otherwise are rewritten, not kept by their count.
    // 2: the log's full tiles and chunks are owned by their folder, its partial ones and checkpoint by "ledger".
    public const int PartScheme = 2;

    public sealed record Entry(string Path, string? Url, long Size, string Sha256, string ContentType, string? Encoding, string Cache,
        string? Version = null);

    // One part of a version-2 manifest: its number (PartOf), its file under the export folder, its SHA-256 and how many entries.
    public sealed record Part(int Number, string Path, string Sha256, int Files);

    // A manifest as read: the renderer its pages were made with and its files by path, and its parts (none for version 1).
    // Remembered: what this process itself wrote last, answered from memory because the file has not changed since (so its files
    // are the ones this process wrote).
    public sealed record Loaded(string? Renderer, IReadOnlyDictionary<string, Entry> Files, bool Remembered = false,
        IReadOnlyDictionary<int, Part>? Parts = null, int PartScheme = PartScheme);

    private sealed record Remembered(long Length, long Written, Loaded Manifest);

    // By the manifest's full path: a server has one export folder, but a process may export to several (the tests do, in
    // parallel), and one folder's export must not make another's next export read its manifest from the file again.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Remembered> Last = new(StringComparer.Ordinal);

    // A version-1 manifest's entries (a part's, or a whole manifest of that version).
    public static Dictionary<string, Entry> Read(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return Entries(document.RootElement);
    }

    // The manifest at `path` (null: there is none), parsed once per version of the file: the server's automatic publish exports
    // and uploads after every post, and at 100,000 ledger entries the manifest holds 230,000 files (a second to parse).
    // A part missing or not matching its SHA-256 is an InvalidDataException.
    public static Loaded? Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            Last.TryRemove(info.FullName, out _);
            return null;
        }
        if (Last.TryGetValue(info.FullName, out var last) && last.Length == info.Length && last.Written == info.LastWriteTimeUtc.Ticks)
        {
            return last.Manifest;
        }
        var read = Parse(File.ReadAllBytes(info.FullName), info.DirectoryName!);
        Last[info.FullName] = new Remembered(info.Length, info.LastWriteTimeUtc.Ticks, read);
        return read;
    }

    // What this process just wrote to `path` is what the next Load of it answers (marked Remembered), unless the file changes meanwhile.
    public static Loaded Remember(string path, Loaded manifest)
    {
        var info = new FileInfo(path);
        var written = manifest with { Remembered = true };
        Last[info.FullName] = new Remembered(info.Length, info.LastWriteTimeUtc.Ticks, written);
        return written;
    }

    // Writes the manifest of `files` as version 2 at `path`: the parts whose entries differ from `previous`'s (or whose file is
    // gone), then manifest.json, then deletes the parts no longer listed. Returns the bytes written. `touched`, when given, names
    // the only parts whose entries may differ from `previous`'s (the exporter knows which files it wrote or deleted): the others
    // are kept on their count alone, without comparing their entries one by one.
    public static long Store(string path, IReadOnlyDictionary<string, Entry> files, string? renderer, Loaded? previous,
        IReadOnlySet<int>? touched = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // An increment's files come parted already (SiteExporter); others are grouped here.
        var parted = files as PartedFileDictionary ?? PartedFileDictionary.From(files.Values);
        bool Reused(int number) => previous is { PartScheme: PartScheme } && previous.Parts?.GetValueOrDefault(number) is { } old
            && old.Files == parted.Part(number).Count && File.Exists(Path.Combine(folder, old.Path));
        var parts = new SortedDictionary<int, Part>();
        long written = 0;
        for (var number = 0; number < PartCount; number++)
        {
            if (touched is not null && !touched.Contains(number) && Reused(number))
            {
                parts[number] = previous!.Parts![number];
                continue;
            }
            var list = parted.Part(number);
            if (list.Count == 0)
            {
                continue;
            }
            if (Reused(number) && list.Values.All(e => previous!.Files.TryGetValue(e.Path, out var before) && before.Equals(e)))
            {
                parts[number] = previous!.Parts![number];
                continue;
            }
            // A full export writes each part once; an increment writes the parts that change, and keeps their entries' objects.
            var bytes = touched is null ? Write(list.Values) : WritePart(list.Values);
            var sha = Sha256(bytes);
            var part = new Part(number, $"{PartsFolder}/{number:x2}-{sha[..16]}.json", sha, list.Count);
            var file = Path.Combine(folder, part.Path);
            if (!File.Exists(file))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                written += Replace(file, bytes);
            }
            parts[number] = part;
        }
        written += Replace(path, WriteIndex(parts.Values, renderer));
        var listed = parts.Values.Select(p => Path.GetFullPath(Path.Combine(folder, p.Path))).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in Directory.EnumerateFiles(Path.Combine(folder, PartsFolder)).Where(f => !listed.Contains(Path.GetFullPath(f))))
        {
            File.Delete(stale);
        }
        Remember(path, new Loaded(renderer, parted, Parts: parts));
        return written;
    }

    // Written beside, then moved over: a reader never sees half a part or half the list. Returns the bytes written.
    private static long Replace(string file, byte[] bytes)
    {
        File.WriteAllBytes(file + ".tmp", bytes);
        File.Move(file + ".tmp", file, overwrite: true);
        return bytes.Length;
    }

    // The part that lists a file: by the page that owns it (language prefix dropped), so an incident's page, feeds, proof and
    // their siblings in every language share one part, and so do the site-wide files at the root. FNV-1a: stable across processes.
    // Spans, no split: every entry of the export is placed after every post.
    public static int PartOf(string path)
    {
        var hash = 2166136261u;
        foreach (var c in OwnerOf(path))
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % PartCount);
    }

    // The page or folder that owns a file. The log's files under ledger/ are ~2,000 at 100,000 entries, and a post changes its
    // checkpoint and partial tiles: those are owned by "ledger", each full tile or chunk by its folder, so the part every post
    // rewrites does not list the whole log. A file an address can be saved as (SiteExporter.FileFor adds "/index.html") has its
    // address's owner.
    public static ReadOnlySpan<char> OwnerOf(string path)
    {
        var rest = path.AsSpan();
        if (rest.StartsWith(LedgerFolder, StringComparison.Ordinal))
        {
            var last = rest.LastIndexOf('/');
            var file = rest[(last + 1)..].StartsWith("index.", StringComparison.Ordinal) ? rest[..last] : rest;
            var folder = file[..file.LastIndexOf('/')];
            return file.Contains(".p/", StringComparison.Ordinal) || folder.Length < LedgerFolder.Length ? LedgerFolder.AsSpan()[..^1] : folder;
        }
        if (rest.IndexOf('/') is > 0 and var end && IsLanguageFolder(rest[..end]))
        {
            rest = rest[(end + 1)..];
        }
        var slash = rest.IndexOf('/');
        var owner = ReadOnlySpan<char>.Empty;
        if (slash >= 0)
        {
            var first = rest[..slash];
            var second = rest[(slash + 1)..].IndexOf('/');
            owner = second >= 0 && first is "incidents" or "maintenance" or "components" or "providers" ? rest[..(slash + 1 + second)] : first;
        }
        return owner;
    }

    // The log's folder in the export, as SiteExporter.LedgerFile places it.
    private static readonly string LedgerFolder = TileLayout.Prefix[1..];

    private static readonly string[] LanguageFolders = [.. LanguagePaths.Prefixes.Select(p => p[1..])];

    private static bool IsLanguageFolder(ReadOnlySpan<char> folder)
    {
        foreach (var language in LanguageFolders)
        {
            if (folder.SequenceEqual(language))
            {
                return true;
            }
        }
        return false;
    }

    // Both versions open alike: the version, the renderer when known, then the list (version 1 its files, version 2 its parts).
    private static void StartManifest(Utf8JsonWriter writer, int version, string? renderer, string list, int? partScheme = null)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", version);
        if (renderer is not null)
        {
            writer.WriteString("renderer", renderer);
        }
        if (partScheme is { } scheme)
        {
            writer.WriteNumber("part_scheme", scheme);
        }
        writer.WriteStartArray(list);
    }

    private static byte[] WriteIndex(IEnumerable<Part> parts, string? renderer)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            StartManifest(writer, 2, renderer, "parts", PartScheme);
            foreach (var part in parts)
            {
                writer.WriteStartObject();
                writer.WriteNumber("part", part.Number);
                writer.WriteString("path", part.Path);
                writer.WriteString("sha256", part.Sha256);
                writer.WriteNumber("files", part.Files);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    // Version 1 (the entries themselves) or 2 (the parts, read from beside it and checked against their SHA-256).
    private static Loaded Parse(byte[] json, string folder)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var renderer = root.TryGetProperty("renderer", out var r) ? r.GetString() : null;
        if (!root.TryGetProperty("parts", out var listed))
        {
            return new Loaded(renderer, Entries(root));
        }
        var files = new List<Entry>();
        var parts = new Dictionary<int, Part>();
        foreach (var element in listed.EnumerateArray())
        {
            var part = new Part(element.GetProperty("part").GetInt32(), element.GetProperty("path").GetString()!,
                element.GetProperty("sha256").GetString()!, element.GetProperty("files").GetInt32());
            var file = Path.GetFullPath(Path.Combine(folder, part.Path));
            var bytes = file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file)
                ? File.ReadAllBytes(file)
                : throw new InvalidDataException($"manifest part {part.Path} is missing");
            if (Sha256(bytes) != part.Sha256)
            {
                throw new InvalidDataException($"manifest part {part.Path} does not match its SHA-256");
            }
            files.AddRange(Read(bytes).Values);
            parts[part.Number] = part;
        }
        // Grouped by PartOf again, not trusted to the part that listed them (a lookup by path goes to PartOf's part).
        var scheme = root.TryGetProperty("part_scheme", out var s) ? s.GetInt32() : 1;
        return new Loaded(renderer, PartedFileDictionary.From(files), Parts: parts, PartScheme: scheme);
    }

    // The SHA-256 the manifest gives a file (and a part), as lowercase hex.
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    // A version-1 manifest's entries by path.
    private static Dictionary<string, Entry> Entries(JsonElement root) =>
        // The few types, cache classes and codings are shared, not one copy per file.
        root.GetProperty("files").EnumerateArray().Select(e => new Entry(
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("url", out var url) ? url.GetString() : null,
            e.GetProperty("size").GetInt64(),
            e.GetProperty("sha256").GetString()!,
            string.Intern(e.GetProperty("content_type").GetString()!),
            e.TryGetProperty("encoding", out var encoding) ? string.Intern(encoding.GetString()!) : null,
            string.Intern(e.GetProperty("cache").GetString()!),
            e.TryGetProperty("version", out var version) ? version.GetString() : null)).ToDictionary(e => e.Path, StringComparer.Ordinal);

    public static byte[] Write(IEnumerable<Entry> entries, string? renderer = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, entries, renderer);
        return stream.ToArray();
    }

    // Straight into `stream` (the export writes 230,000 entries at 100,000 ledger entries: no copy of the whole in memory).
    public static void WriteTo(Stream stream, IEnumerable<Entry> entries, string? renderer = null)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        using (var writer = new Utf8JsonWriter(stream, ListWriting))
        {
            StartManifest(writer, 1, renderer, "files");
            foreach (var entry in sorted)
            {
                WriteEntry(writer, entry);
                if (writer.BytesPending > 1 << 20)
                {
                    writer.Flush();
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }

    private static void WriteEntry(Utf8JsonWriter writer, Entry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("path", entry.Path);
        if (entry.Url is not null)
        {
            writer.WriteString("url", entry.Url);
        }
        writer.WriteNumber("size", entry.Size);
        writer.WriteString("sha256", entry.Sha256);
        writer.WriteString("content_type", entry.ContentType);
        if (entry.Encoding is not null)
        {
            writer.WriteString("encoding", entry.Encoding);
        }
        writer.WriteString("cache", entry.Cache);
        if (entry.Version is not null)
        {
            writer.WriteString("version", entry.Version);
        }
        writer.WriteEndObject();
    }

    // A part's bytes, the same as Write gives (ExportManifestTests), from each entry's object written once and kept while the
    // entry lives: an increment rewrites the ~20 parts its pages own, ~900 entries each at 100,000 ledger entries, of which a
    // handful changed; serializing all of them again was half of the increment's manifest write.
    public static byte[] WritePart(IEnumerable<Entry> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        var objects = new byte[sorted.Length][];
        var missing = new List<int>();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (!Objects.TryGetValue(sorted[i], out objects[i]!))
            {
                missing.Add(i);
            }
        }
        if (missing.Count > 0)
        {
            var written = ObjectsOf([.. missing.Select(i => sorted[i])]);
            for (var m = 0; m < missing.Count; m++)
            {
                objects[missing[m]] = written[m];
            }
        }
        var bytes = new byte[PartStart.Length + objects.Sum(o => o.Length) + Math.Max(0, objects.Length - 1) + PartEnd.Length];
        PartStart.CopyTo(bytes, 0);
        var at = PartStart.Length;
        for (var i = 0; i < objects.Length; i++)
        {
            if (i > 0)
            {
                bytes[at++] = (byte)',';
            }
            objects[i].CopyTo(bytes.AsSpan(at));
            at += objects[i].Length;
        }
        PartEnd.CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    private static readonly ConditionalWeakTable<Entry, byte[]> Objects = [];

    // How a list of entries is written, by Write and by ObjectsOf alike: WritePart's bytes equal Write's only if both use these.
    private static readonly JsonWriterOptions ListWriting = new() { Indented = true, SkipValidation = true };

    // The objects of entries not kept yet, written by one writer as one list (as Write writes a part) and each kept: the writer's
    // bytes between its positions before and after the entry, without the comma it puts before every object but the first.
    private static byte[][] ObjectsOf(Entry[] entries)
    {
        using var stream = new MemoryStream();
        var spans = new (int Start, int End)[entries.Length];
        using (var writer = new Utf8JsonWriter(stream, ListWriting))
        {
            StartManifest(writer, 1, null, "files");
            for (var i = 0; i < entries.Length; i++)
            {
                var start = (int)(writer.BytesCommitted + writer.BytesPending) + (i > 0 ? 1 : 0);
                WriteEntry(writer, entries[i]);
                spans[i] = (start, (int)(writer.BytesCommitted + writer.BytesPending));
            }
        }
        var bytes = stream.ToArray();
        var objects = new byte[entries.Length][];
        for (var i = 0; i < entries.Length; i++)
        {
            objects[i] = bytes[spans[i].Start..spans[i].End];
            Objects.AddOrUpdate(entries[i], objects[i]);
        }
        return objects;
    }

    // Where a one-entry part's object begins and where it ends: the bytes before it (the list's start) and after (its end).
    private static readonly (byte[] Start, byte[] End) PartEdges = EdgesOf(Write([new Entry("", null, 0, "", "", null, "")]));

    private static (byte[] Start, byte[] End) EdgesOf(byte[] part) =>
        (part[..(Array.IndexOf(part, (byte)'[') + 1)], part[(Array.LastIndexOf(part, (byte)'}', Array.LastIndexOf(part, (byte)']')) + 1)..]);

    private static byte[] PartStart => PartEdges.Start;

    private static byte[] PartEnd => PartEdges.End;
}
