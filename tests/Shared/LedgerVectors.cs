using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LiteDB;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;
using StatusPage.Server.TransparencyApi;

namespace StatusPage.Tests;

// The test vectors of docs/LEDGER.md, computed by the server's own code from fixed inputs (fixed ids, times and key), and
// read back out of the document, so the document can never drift from the code.
public static partial class LedgerVectors
{
    public const string SigningKey = "PRIVATE+KEY+status.example/ledger+8775075e+AQyG1Z4xJBf3PCd2wJK/5Pgag9EPrrt6yyv3Smu0EF1B";

    public static string DocPath => Path.Combine(TestPaths.RepositoryRoot, "docs", "LEDGER.md");

    private static readonly DateTimeOffset Time = new(2026, 6, 14, 2, 3, 0, TimeSpan.Zero);

    public static IReadOnlyList<LedgerEntry> Entries()
    {
        const string incident = "2026-06-14-api-errors";
        var investigating = "We are investigating elevated error rates on the API.\n";
        var resolved = "Resolved: a bad deploy was rolled back. Error rates are normal again — sorry.\n";
        var components = ImmutableSortedDictionary<string, ComponentStatus>.Empty;
        (string Id, string Kind, string Subject, string Author, IEntryPayload Payload, string? Body)[] rows =
        [
            ("k2m4q6s7u3wa", EntryKinds.ComponentDeclared, "api", "content/site.yml",
                new ComponentDeclared("API", "Public REST API", null, 99.9m, 1), null),
            ("k2m4q6s7u3wb", EntryKinds.OperatorCreated, "alice", "setup", new OperatorCreated(OperatorRole.Admin), null),
            ("k2m4q6s7u3wc", EntryKinds.IncidentOpened, incident, "alice",
                new IncidentOpened("API errors", Impact.Major, ["api"], Time), null),
            ("k2m4q6s7u3wd", EntryKinds.IncidentUpdatePosted, incident, "alice",
                new IncidentUpdatePosted(IncidentStatus.Investigating, Time, LedgerEntry.Sha256Hex(investigating),
                    components.Add("api", ComponentStatus.MajorOutage), null), null),
            ("k2m4q6s7u3we", EntryKinds.IncidentUpdatePosted, incident, "alice",
                new IncidentUpdatePosted(IncidentStatus.Resolved, Time.AddMinutes(38), LedgerEntry.Sha256Hex(resolved),
                    components.Add("api", ComponentStatus.Operational), null), resolved),
            ("k2m4q6s7u3wf", EntryKinds.Redacted, incident, "alice",
                new Redacted("k2m4q6s7u3wd", "named a customer"), null),
        ];
        var entries = new List<LedgerEntry>();
        var prev = LedgerEntry.GenesisHash;
        foreach (var (id, kind, subject, author, payload, body) in rows)
        {
            var seq = entries.Count + 1;
            var recordedAt = Time.AddMinutes(seq);
            var json = PayloadJson.Serialize(payload);
            var hash = LedgerEntry.ComputeHash(seq, id, recordedAt, kind, subject, author, json, prev);
            entries.Add(new LedgerEntry(seq, id, recordedAt, kind, subject, author, json, body, prev, hash));
            prev = hash;
        }
        return entries;
    }

    // Each named block as the code computes it.
    public static IReadOnlyDictionary<string, string> Computed()
    {
        var entries = Entries();
        var tree = new MerkleTree();
        foreach (var entry in entries)
        {
            tree.Append(Convert.FromHexString(entry.Hash));
        }
        using var signer = NoteSigner.Parse(SigningKey);
        var roots = new StringBuilder();
        for (var size = 0; size <= entries.Count; size++)
        {
            var root = tree.Root(size);
            roots.Append(CultureInfo.InvariantCulture, $"{size} {Convert.ToHexStringLower(root)} {Convert.ToBase64String(root)}\n");
        }
        var inclusion = new TransparencyEndpoints.InclusionProof(3, 6, 2, entries[2].Hash,
            [.. tree.InclusionProof(2, 6).Select(Convert.ToBase64String)]);
        var consistency = new TransparencyEndpoints.ConsistencyProof(3, 6, [.. tree.ConsistencyProof(3, 6).Select(Convert.ToBase64String)]);
        var checkpoint = new Checkpoint(signer.Name, entries.Count, tree.Root(entries.Count));
        return new Dictionary<string, string>
        {
            ["signing-key"] = SigningKey + "\n",
            ["verifier-key"] = signer.Verifier + "\n",
            ["ledger"] = string.Concat(entries.Select(e => LedgerLine.From(e).ToJson() + "\n")),
            ["roots"] = roots.ToString(),
            ["inclusion"] = System.Text.Json.JsonSerializer.Serialize(inclusion, TransparencyEndpoints.Json) + "\n",
            ["consistency"] = System.Text.Json.JsonSerializer.Serialize(consistency, TransparencyEndpoints.Json) + "\n",
            ["checkpoint"] = signer.Sign(checkpoint.Text),
        };
    }

    // Blocks written as "<!-- vector: NAME -->" followed by a fenced code block.
    public static IReadOnlyDictionary<string, string> FromDocument(string markdown) =>
        VectorBlock().Matches(markdown.ReplaceLineEndings("\n")).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["text"].Value);

    [GeneratedRegex(@"<!-- vector: (?<name>[a-z-]+) -->\n```[a-z]*\n(?<text>.*?)```", RegexOptions.Singleline)]
    private static partial Regex VectorBlock();

    // A consistent rewrite, as anyone could make one: change entry seq's author and recompute every later hash.
    public static List<LedgerEntry> Rewrite(IEnumerable<LedgerEntry> entries, long seq, string author)
    {
        var result = new List<LedgerEntry>();
        var prev = LedgerEntry.GenesisHash;
        foreach (var original in entries)
        {
            var entry = original with { PrevHash = prev, Author = original.Seq == seq ? author : original.Author };
            entry = entry with { Hash = entry.ComputeHash() };
            result.Add(entry);
            prev = entry.Hash;
        }
        return result;
    }

    // The same rewrite inside a stopped server's data file, with its checkpoints dropped (the forger re-signs with the key).
    public static void RewriteDataFile(string dataPath, long seq, string author)
    {
        using var db = new LiteDatabase(dataPath, LedgerStore.CreateMapper());
        var ledger = db.GetCollection("ledger");
        var prev = LedgerEntry.GenesisHash;
        foreach (var doc in ledger.FindAll().OrderBy(d => d["_id"].AsInt64).ToList())
        {
            if (doc["_id"].AsInt64 == seq)
            {
                doc["Author"] = author;
            }
            doc["PrevHash"] = prev;
            var entry = new LedgerEntry(doc["_id"].AsInt64, doc["EntryId"].AsString,
                LedgerEntry.TryParseTime(doc["RecordedAt"].AsString, out var time) ? time : throw new FormatException("time"),
                doc["Kind"].AsString, doc["Subject"].AsString, doc["Author"].AsString, doc["Payload"].AsString, null, prev, "");
            doc["Hash"] = prev = entry.ComputeHash();
            ledger.Update(doc);
        }
        db.DropCollection("checkpoints");
    }

    // Deletes the newest entries of a stopped server's data file and its checkpoints: a truncation.
    public static void TruncateDataFile(string dataPath, long keep)
    {
        using var db = new LiteDatabase(dataPath, LedgerStore.CreateMapper());
        db.GetCollection("ledger").DeleteMany(Query.GT("_id", keep));
        db.DropCollection("checkpoints");
    }
}
