using System.Collections.Immutable;
using System.Text.Json.Serialization.Metadata;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Unit;

// The read-model snapshot's binary encoding (History/ReadModelCodec.cs): a second description of the model's records, so these
// tests hold it to the first one. A field added to a record and not to the encoding fails the first test, a field encoded
// wrongly the round trip, and a damaged file is refused rather than read as something else.
public sealed class ReadModelCodecTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("statuspage-codec-").FullName;

    private string SnapshotFile => Path.Combine(_dir, "statuspage.readmodel");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_binary_encoding_writes_every_state_field_of_every_record_it_encodes_and_encodes_every_record_it_reaches()
    {
        foreach (var (type, fields) in ReadModelCodec.FieldsOf)
        {
            var state = ReadModelSnapshot.TypeInfoOf(type).Properties.Select(p => p.Name);
            Assert.True(state.Order().SequenceEqual(fields.Order()),
                $"{type.Name}: the JSON state is [{string.Join(", ", state)}], the binary encoding writes [{string.Join(", ", fields)}]");
        }
        var reached = new HashSet<Type>();
        Reach(typeof(Incident), reached);
        Reach(typeof(Maintenance), reached);
        Reach(typeof(ServiceComponent), reached);
        Assert.Empty(reached.Except(ReadModelCodec.FieldsOf.Keys).Select(t => t.Name));
    }

    // Every object type (JSON's sense: a record with properties) below a type, through nullables and lists.
    private static void Reach(Type type, HashSet<Type> reached)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var info = ReadModelSnapshot.TypeInfoOf(type);
        if (info.Kind == JsonTypeInfoKind.Enumerable)
        {
            Reach(info.ElementType!, reached);
        }
        else if (info.Kind == JsonTypeInfoKind.Object && reached.Add(type))
        {
            foreach (var property in info.Properties)
            {
                Reach(property.PropertyType, reached);
            }
        }
    }

    // The round trips below check a field only if RichModel sets it: a field added to a record fails here until it does.
    [Fact]
    public void The_rich_model_sets_every_encoded_field_of_every_record_to_something_other_than_its_default_somewhere()
    {
        var set = new HashSet<string>();
        var model = RichModel();
        foreach (var aggregate in model.Incidents.Values.Cast<object>().Concat(model.Maintenances.Values).Concat(model.Components.Values))
        {
            Walk(aggregate, set);
        }
        var unset = ReadModelCodec.FieldsOf.SelectMany(p => p.Value.Select(field => $"{p.Key.Name}.{field}")).Where(f => !set.Contains(f));
        Assert.Empty(unset);
    }

    private static void Walk(object value, HashSet<string> set)
    {
        var info = ReadModelSnapshot.TypeInfoOf(value.GetType());
        if (info.Kind == JsonTypeInfoKind.Enumerable && value is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
            {
                Walk(item, set);
            }
            return;
        }
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        foreach (var property in info.Properties)
        {
            var field = property.Get!(value);
            if (!IsDefault(field))
            {
                set.Add($"{value.GetType().Name}.{property.Name}");
                Walk(field!, set);
            }
        }
    }

    private static bool IsDefault(object? value) => value switch
    {
        null => true,
        string => false,
        System.Collections.IEnumerable items => !items.GetEnumerator().MoveNext(),
        _ => value.GetType().IsValueType && value.Equals(Activator.CreateInstance(value.GetType())),
    };

    [Fact]
    public async Task A_snapshot_with_any_byte_changed_is_refused()
    {
        ReadModelSnapshot.Write(SnapshotFile, RichModel(), new byte[32]);
        var whole = await File.ReadAllBytesAsync(SnapshotFile);
        var damaged = Path.Combine(_dir, "damaged.readmodel");

        for (var at = 0; at < whole.Length; at++)
        {
            var bytes = whole.ToArray();
            bytes[at] ^= 0x04;
            await File.WriteAllBytesAsync(damaged, bytes);
            Assert.Null(await ReadModelSnapshot.TryReadAsync(damaged));
        }
    }

    [Fact]
    public async Task A_model_with_every_optional_field_set_reads_back_as_the_same_json_and_shares_its_repeated_strings()
    {
        var model = RichModel();
        ReadModelSnapshot.Write(SnapshotFile, model, new byte[32]);

        var read = (await ReadModelSnapshot.TryReadAsync(SnapshotFile))!;

        Assert.Equal(model.Head, read.Model.Head);
        Assert.True(ReadModelSnapshot.SameModel(model, read.Model));
        Assert.True(ReadModelSnapshot.SameSerialization(model.Incidents["inc-1"], read.Model.Incidents["inc-1"]));
        Assert.True(ReadModelSnapshot.SameSerialization(model.Maintenances["mnt-1"], read.Model.Maintenances["mnt-1"]));
        Assert.True(ReadModelSnapshot.SameSerialization(model.Components["api"], read.Model.Components["api"]));
        var posts = read.Model.Incidents["inc-1"].AllPosts;
        Assert.Equal("Body with ünïcode and \"quotes\"\n", posts[0].Body);
        Assert.Equal(TimeSpan.FromHours(-5), posts[0].StatedAt.Offset);
        Assert.Equal("not-a-hex-digest", posts[1].BodySha256.ToString());
        Assert.Same(posts[0].Author, posts[1].Author);
        Assert.Same(read.Model.Incidents["inc-1"].Id, read.Model.PostOwners[posts[0].Id]);
        Assert.Same(Cause.Unknown, read.Model.Incidents["inc-2"].Cause);
    }

    [Fact]
    public async Task A_model_differing_in_any_one_encoded_field_reads_back_differently()
    {
        var model = RichModel();
        var incident = model.Incidents["inc-1"];
        var post = incident.AllPosts[0];
        var change = model.Components["api"].Changes[0];
        var variants = new Dictionary<string, StatusSnapshot>
        {
            ["post body"] = With(model, incident with { AllPosts = incident.AllPosts.SetItem(0, post with { Body = "Other" }) }),
            ["post offset"] = With(model, incident with { AllPosts = incident.AllPosts.SetItem(0, post with { StatedAt = post.StatedAt.ToUniversalTime() }) }),
            ["post flag"] = With(model, incident with { AllPosts = incident.AllPosts.SetItem(0, post with { ContentOnLiveRecord = false }) }),
            ["post status"] = With(model, incident with { AllPosts = incident.AllPosts.SetItem(0, post with { Status = PostStatus.Of(IncidentStatus.Resolved) }) }),
            ["post redaction"] = With(model, incident with { AllPosts = incident.AllPosts.SetItem(0, post with { Redaction = post.Redaction! with { Reason = "Other" } }) }),
            ["cause"] = With(model, incident with { Causes = [incident.Causes[0] with { Seq = 99 }] }),
            ["sla target"] = model with { Components = model.Components.SetItem("api", model.Components["api"] with { SlaTarget = 99.5m }) },
            ["status change"] = model with
            {
                Components = model.Components.SetItem("api", model.Components["api"] with { Changes = [change with { ContentOnLiveRecord = false }] }),
            },
        };
        foreach (var (name, variant) in variants)
        {
            ReadModelSnapshot.Write(SnapshotFile, variant, new byte[32]);
            var read = (await ReadModelSnapshot.TryReadAsync(SnapshotFile))!.Model;
            Assert.True(ReadModelSnapshot.SameModel(variant, read), $"{name}: the variant did not read back as itself");
            Assert.False(ReadModelSnapshot.SameModel(model, read), $"{name}: read back as the original");
        }
    }

    [Fact]
    public async Task A_snapshot_cut_anywhere_or_of_another_format_is_refused_without_an_exception()
    {
        ReadModelSnapshot.Write(SnapshotFile, RichModel(), new byte[32]);
        var whole = await File.ReadAllBytesAsync(SnapshotFile);
        var cut = Path.Combine(_dir, "cut.readmodel");

        for (var length = 0; length < whole.Length; length++)
        {
            await File.WriteAllBytesAsync(cut, whole[..length]);
            Assert.Null(await ReadModelSnapshot.TryReadAsync(cut));
        }
        await File.WriteAllBytesAsync(cut, [.. whole, 0]);
        Assert.Null(await ReadModelSnapshot.TryReadAsync(cut));
        // Format 5 and before were JSON lines: never read as this format.
        await File.WriteAllTextAsync(cut, "{\"part\":\"head\",\"Format\":5,\"Seq\":1}\n");
        Assert.Null(await ReadModelSnapshot.TryReadAsync(cut));
        Assert.NotNull(await ReadModelSnapshot.TryReadAsync(SnapshotFile));
    }

    [Fact]
    public void Writing_a_snapshot_deletes_a_json_snapshot_of_an_earlier_format_beside_it()
    {
        var earlier = SnapshotFile + ".json";
        File.WriteAllText(earlier, "{\"part\":\"head\",\"Format\":5}\n");

        ReadModelSnapshot.Write(SnapshotFile, RichModel(), new byte[32]);

        Assert.False(File.Exists(earlier));
        Assert.True(File.Exists(SnapshotFile));
    }

    private static StatusSnapshot With(StatusSnapshot model, Incident incident) =>
        model with { Incidents = model.Incidents.SetItem(incident.Id, incident) };

    // Every optional field of every encoded record set, at offsets other than UTC, beside a bare incident.
    private static StatusSnapshot RichModel()
    {
        var local = At.ToOffset(TimeSpan.FromHours(-5));
        var redaction = new Redaction("redaction-1", "A token was pasted", At.AddMinutes(3), "admin");
        var first = new Post("post-1", 2, PostKind.Update, PostStatus.Of(IncidentStatus.Identified), local, At.AddMinutes(1), "alice",
            "Body with ünïcode and \"quotes\"\n", BodyDigest.Of(new string('a', 64)),
            [new ComponentChange("api", ComponentStatus.DegradedPerformance, ComponentStatus.MajorOutage)], At.AddMinutes(30), null, null,
            ["post-2"], redaction)
        { ContentOnLiveRecord = true };
        var second = new Post("post-2", 3, PostKind.Correction, null, At.AddMinutes(2), At.AddMinutes(2), "alice", null,
            BodyDigest.Of("not-a-hex-digest"), [], null, "post-1", "Wrong wording", [], null);
        var upstream = new Cause(CauseKind.Upstream, "halden", "Halden Networks", "HH-1");
        var incident = new Incident("inc-1", "Private network down", Impact.Major, ["api", "web"], local, upstream, [first, second],
            At, At.AddMinutes(2), "alice")
        { Causes = [new CauseAttribution(upstream, At, "content/incidents/inc-1.md", 1)] };
        var bare = new Incident("inc-2", "Slow pages", Impact.None, [], At, new Cause(CauseKind.Unknown, null, null, null), [], At, At, "bob");
        var maintenance = new Maintenance("mnt-1", "Firmware", ["api"], At.AddDays(1), At.AddDays(1).AddHours(2),
            [new Post("post-3", 4, PostKind.Update, PostStatus.Of(MaintenanceStatus.InProgress), At.AddDays(1), At, "bob", "Started.",
                BodyDigest.Of(new string('b', 64)), [], null, null, null, [], null)], At, At, "bob", 3);
        var component = new ServiceComponent("api", "API", "The public API", "core", 99.9m, 2, At, At.AddDays(1),
            [new StatusChange(local, ComponentStatus.PartialOutage, "inc-1", 2, At.AddDays(2), "alice") { ContentOnLiveRecord = true }])
        { Revisions = [new ComponentRevision("API", "The public API", 99.9m, At, "content/components.yml", 1)] };
        return StatusSnapshot.Empty with
        {
            Head = new LedgerHead(1, new string('c', 64)),
            Incidents = ImmutableDictionary<string, Incident>.Empty.Add("inc-1", incident).Add("inc-2", bare),
            Maintenances = ImmutableDictionary<string, Maintenance>.Empty.Add("mnt-1", maintenance),
            Components = ImmutableDictionary<string, ServiceComponent>.Empty.Add("api", component),
            PostOwners = ImmutableDictionary<string, string>.Empty.Add("post-1", "inc-1").Add("post-2", "inc-1").Add("post-3", "mnt-1"),
            LastSeqBySubject = ImmutableDictionary<string, long>.Empty.Add("inc-1", 3).Add("mnt-1", 4),
        };
    }
}
