using System.Runtime.CompilerServices;
using System.Text.Json;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.StaticExport;

// manifest.json at the export's root: every file with its size, SHA-256, type, coding and cache class, sorted by path, no
// dates (the same ledger gives the same manifest). Compared by the next export and by publish. Added in issue 15 (readers of
// version 1 ignore them): "renderer" at the top (what else the bytes depend on: this build, the site settings, the zone's offset)
// and "version" on a page (the seq at which its content last changed, with "@" and its clock window's start when it also moves
// with the clock): the next export fetches a page again only when one of them moved.
// Version 2 (issue 15, "Scale"): the entries live in parts under manifest/, each a version-1 manifest of the files of the pages
// it owns (an incident's folder, a component's, the site-wide pages...), named by its SHA-256. One post changes a handful of
// owners, so an increment writes those parts, not 230,000 entries (67 MB) at 100,000 ledger entries. Version 3: manifest.json
// lists 256 groups, each group file lists its parts ("subparts" per group, doubling with the site so a part lists ~16-64 files:
// a fixed 256 parts held ~900 files each at 100,000 entries, all rewritten after a post). Parts and groups are written before
// the list that names them and never overwritten, so a reader (or a crash) sees the old set or the new one, whole. Versions 1
// (one file) and 2 (manifest.json lists 256 parts) are still read. "part_scheme" says how PartOf grouped the files (absent: 1);
// a part listed under another scheme is never reused, only read.
public static class ExportManifest
{
    public const string PartsFolder = "manifest";

    // What manifest.json lists: each group holds Subparts parts, so a part is the pair (group, sub-part) numbered group * Subparts + sub.
    public const int GroupCount = 256;

    // The most files a part lists on average before the groups' parts double (a quarter of it before they halve). Tests lower it
    // (STATUSPAGE_EXPORT_FILES_PER_PART, tests/Shared/CheckModes.cs) so that their small sites are listed in several parts per group.
    public static readonly int FilesPerPart =
        int.TryParse(Environment.GetEnvironmentVariable("STATUSPAGE_EXPORT_FILES_PER_PART"), out var perPart) && perPart > 0 ? perPart : 64;

    // How PartOf groups files; raised whenever it changes, so parts grouped otherwise are rewritten, not kept by their count.
    // 2: the log's full tiles and chunks are owned by their folder, its partial ones and checkpoint by "ledger".
    // 3: parts within groups (version 3), and a history or SLA year is its own owner.
    public const int PartScheme = 3;

    public sealed record Entry(string Path, string? Url, long Size, string Sha256, string ContentType, string? Encoding, string Cache,
        string? Version = null);

    // One part (its number, PartOf) or group (its number below GroupCount) of a manifest: its file under the export folder, its
    // SHA-256 and how many entries it lists.
    public sealed record Part(int Number, string Path, string Sha256, int Files);

    // A manifest as read: the renderer its pages were made with and its files by path, its parts and groups (none for version 1,
    // no groups for version 2) and how many parts each group holds. Remembered: what this process itself wrote last, answered
    // from memory because the file has not changed since (so its files are the ones this process wrote).
    public sealed record Loaded(string? Renderer, IReadOnlyDictionary<string, Entry> Files, bool Remembered = false,
        IReadOnlyDictionary<int, Part>? Parts = null, int PartScheme = PartScheme, IReadOnlyDictionary<int, Part>? Groups = null,
        int Subparts = 1);

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

    // Writes the manifest of `files` as version 3 at `path`: the parts whose entries differ from `previous`'s (or whose file is
    // gone) and the groups that list them, then manifest.json, then deletes the parts and groups no longer listed. Returns the
    // bytes written. `touched`, when given, names the only parts whose entries may differ from `previous`'s (the exporter knows
    // which files it wrote or deleted): the others are kept on their count alone, a group none of whose parts was touched with
    // one stat of its file. Files grouped for another size of site (SubpartsFor) are grouped anew and every part written.
    public static long Store(string path, IReadOnlyDictionary<string, Entry> files, string? renderer, Loaded? previous,
        IReadOnlySet<int>? touched = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // An increment's files come parted already (SiteExporter); others are grouped here.
        var parted = files as PartedFileDictionary ?? PartedFileDictionary.From(files.Values, previous?.Subparts ?? 0);
        if (SubpartsFor(parted.Count, parted.Subparts) is var subparts && subparts != parted.Subparts)
        {
            (parted, touched) = (PartedFileDictionary.From(parted.Values, subparts), null);
        }
        var comparable = previous is { PartScheme: PartScheme, Parts: not null } && previous.Subparts == subparts;
        // A part listed with as many files as it holds now (a part listed by neither holds none).
        bool Counted(int number) => (previous!.Parts!.GetValueOrDefault(number)?.Files ?? 0) == parted.Part(number).Count;
        bool Exists(Part listed) => File.Exists(Path.Combine(folder, listed.Path));
        var (parts, groups) = (new SortedDictionary<int, Part>(), new SortedDictionary<int, Part>());
        long written = 0;
        for (var group = 0; group < GroupCount; group++)
        {
            var numbers = Enumerable.Range(group * subparts, subparts);
            if (touched is not null && comparable && previous!.Groups?.GetValueOrDefault(group) is { } kept && !numbers.Any(touched.Contains)
                && numbers.All(Counted) && Exists(kept))
            {
                groups[group] = kept;
                foreach (var number in numbers.Where(n => parted.Part(n).Count > 0))
                {
                    parts[number] = previous.Parts![number];
                }
                continue;
            }
            var listed = new List<Part>();
            foreach (var number in numbers)
            {
                var list = parted.Part(number);
                if (list.Count == 0)
                {
                    continue;
                }
                if (comparable && Counted(number) && previous!.Parts![number] is var old && Exists(old)
                    && (touched is not null && !touched.Contains(number)
                        || list.Values.All(e => previous.Files.TryGetValue(e.Path, out var before) && before.Equals(e))))
                {
                    listed.Add(old);
                    continue;
                }
                // A full export writes each part once; an increment writes the parts that change, and keeps their entries' objects.
                var (part, bytes) = Named(number, $"{number:x4}", touched is null ? Write(list.Values) : WritePart(list.Values), list.Count);
                written += Create(folder, part, bytes);
                listed.Add(part);
            }
            if (listed.Count == 0)
            {
                continue;
            }
            var (groupPart, groupBytes) = Named(group, $"g{group:x2}", WriteList(writer => writer.WriteNumber("group", group), "parts", "part", listed),
                listed.Sum(p => p.Files));
            written += Create(folder, groupPart, groupBytes);
            groups[group] = groupPart;
            foreach (var part in listed)
            {
                parts[part.Number] = part;
            }
        }
        written += Replace(path, WriteList(writer => StartIndex(writer, renderer, subparts), "groups", "group", groups.Values));
        DeleteUnlisted(folder, parts.Values.Concat(groups.Values), previous);
        Remember(path, new Loaded(renderer, parted, Parts: parts, Groups: groups, Subparts: subparts));
        return written;
    }

    // How many parts each group holds for a site of `files` files: a power of two such that a part lists at most FilesPerPart
    // files on average. `current` (the previous manifest's; 0 for none) is kept until a part would list fewer than a quarter of
    // that, so a site hovering at a bound is not regrouped back and forth.
    public static int SubpartsFor(int files, int current)
    {
        var subparts = Math.Max(1, current);
        while (files > (long)GroupCount * FilesPerPart * subparts)
        {
            subparts *= 2;
        }
        while (subparts > 1 && files < (long)GroupCount * FilesPerPart * subparts / 4)
        {
            subparts /= 2;
        }
        return subparts;
    }

    // A part's or group's listing, named by its number and SHA-256 (so a name is never overwritten with other bytes).
    private static (Part Listed, byte[] Bytes) Named(int number, string name, byte[] bytes, int files)
    {
        var sha = Sha256(bytes);
        return (new Part(number, $"{PartsFolder}/{name}-{sha[..16]}.json", sha, files), bytes);
    }

    // Writes a named part or group unless a file of that name (so of those bytes) is there. Returns the bytes written.
    private static long Create(string folder, Part listed, byte[] bytes)
    {
        var file = Path.Combine(folder, listed.Path);
        if (File.Exists(file))
        {
            return 0;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return Replace(file, bytes);
    }

    // The parts and groups `previous` listed that are not listed now; when this process did not write `previous` (a restart),
    // every file of the folder not listed now, so what a store stopped before its list left is swept by the next process.
    private static void DeleteUnlisted(string folder, IEnumerable<Part> listed, Loaded? previous)
    {
        var kept = listed.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        if (!Directory.Exists(Path.Combine(folder, PartsFolder)))
        {
            return;
        }
        var candidates = previous is { Remembered: true, Parts: { } parts, Groups: { } groups }
            ? parts.Values.Concat(groups.Values).Select(p => p.Path)
            : Directory.EnumerateFiles(Path.Combine(folder, PartsFolder)).Select(f => $"{PartsFolder}/{Path.GetFileName(f)}");
        foreach (var stale in candidates.Where(p => !kept.Contains(p)).ToList())
        {
            File.Delete(Path.Combine(folder, stale));
        }
    }

    // Written beside, then moved over: a reader never sees half a part or half the list. Returns the bytes written.
    private static long Replace(string file, byte[] bytes)
    {
        File.WriteAllBytes(file + ".tmp", bytes);
        File.Move(file + ".tmp", file, overwrite: true);
        return bytes.Length;
    }

    // The part that lists a file when each group holds `subparts` parts: by the page that owns it (language prefix dropped), so an
    // incident's page, feeds, proof and their siblings in every language share one part, and so do the site-wide files at the
    // root. The hash's low byte picks the group, the bits above it the part within it, so an owner stays in its group whatever
    // the site's size. FNV-1a: stable across processes. Spans, no split: every entry of the export is placed after every post.
    public static int PartOf(string path, int subparts)
    {
        var hash = 2166136261u;
        foreach (var c in OwnerOf(path))
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % GroupCount) * subparts + (int)(hash / GroupCount % (uint)subparts);
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
            // A record's folder, or a year of history or SLA statements (a post changes the current month's pages, not every year's).
            owner = second >= 0 && first is "incidents" or "maintenance" or "components" or "providers" or "history" or "sla"
                ? rest[..(slash + 1 + second)]
                : first;
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

    // Every version opens alike: the version, then the renderer when known.
    private static void StartManifest(Utf8JsonWriter writer, int version, string? renderer)
    {
        writer.WriteNumber("version", version);
        if (renderer is not null)
        {
            writer.WriteString("renderer", renderer);
        }
    }

    // manifest.json of version 3: its grouping's scheme and how many parts each group holds.
    private static void StartIndex(Utf8JsonWriter writer, string? renderer, int subparts)
    {
        StartManifest(writer, 3, renderer);
        writer.WriteNumber("part_scheme", PartScheme);
        writer.WriteNumber("subparts", subparts);
    }

    // An object whose `head` is followed by a list of parts or groups, each named by `number`, with its path, SHA-256 and files.
    private static byte[] WriteList(Action<Utf8JsonWriter> head, string list, string number, IEnumerable<Part> listed)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            head(writer);
            writer.WriteStartArray(list);
            foreach (var part in listed)
            {
                writer.WriteStartObject();
                writer.WriteNumber(number, part.Number);
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

    // Version 1 (the entries themselves), 2 (the parts) or 3 (the groups, then their parts), each part or group read from beside
    // it and checked against its SHA-256.
    private static Loaded Parse(byte[] json, string folder)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var renderer = root.TryGetProperty("renderer", out var r) ? r.GetString() : null;
        var scheme = root.TryGetProperty("part_scheme", out var s) ? s.GetInt32() : 1;
        if (root.TryGetProperty("groups", out var groupList))
        {
            var subparts = root.GetProperty("subparts").GetInt32();
            if (subparts < 1 || !int.IsPow2(subparts))
            {
                throw new InvalidDataException($"manifest subparts {subparts} is not a power of two");
            }
            var groups = Listed(groupList, "group").ToDictionary(g => g.Number);
            var inGroups = groups.Values.SelectMany(g => ReadListed(folder, g, document => Listed(document.RootElement.GetProperty("parts"), "part")));
            var (parts, files) = PartsAndFiles(folder, inGroups);
            return new Loaded(renderer, PartedFileDictionary.From(files, subparts), Parts: parts, PartScheme: scheme, Groups: groups,
                Subparts: subparts);
        }
        if (root.TryGetProperty("parts", out var partList))
        {
            var (parts, files) = PartsAndFiles(folder, Listed(partList, "part"));
            return new Loaded(renderer, PartedFileDictionary.From(files, 1), Parts: parts, PartScheme: scheme);
        }
        return new Loaded(renderer, Entries(root));
    }

    // The parts by number and their entries (grouped by PartOf again by the caller, not trusted to the part that listed them).
    private static (Dictionary<int, Part> Parts, List<Entry> Files) PartsAndFiles(string folder, IEnumerable<Part> listed)
    {
        var (parts, files) = (new Dictionary<int, Part>(), new List<Entry>());
        foreach (var part in listed)
        {
            files.AddRange(ReadListed(folder, part, document => Entries(document.RootElement).Values));
            parts[part.Number] = part;
        }
        return (parts, files);
    }

    private static List<Part> Listed(JsonElement list, string number) =>
        [.. list.EnumerateArray().Select(e => new Part(e.GetProperty(number).GetInt32(), e.GetProperty("path").GetString()!,
            e.GetProperty("sha256").GetString()!, e.GetProperty("files").GetInt32()))];

    // A part's or group's file, read from inside the folder, checked against its SHA-256 and parsed.
    private static T ReadListed<T>(string folder, Part listed, Func<JsonDocument, T> read)
    {
        var file = Path.GetFullPath(Path.Combine(folder, listed.Path));
        var bytes = file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file)
            ? File.ReadAllBytes(file)
            : throw new InvalidDataException($"manifest part {listed.Path} is missing");
        if (Sha256(bytes) != listed.Sha256)
        {
            throw new InvalidDataException($"manifest part {listed.Path} does not match its SHA-256");
        }
        using var document = JsonDocument.Parse(bytes);
        return read(document);
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
            writer.WriteStartObject();
            StartManifest(writer, 1, renderer);
            writer.WriteStartArray("files");
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
            writer.WriteStartObject();
            StartManifest(writer, 1, null);
            writer.WriteStartArray("files");
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
