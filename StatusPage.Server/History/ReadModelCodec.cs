using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// The read-model snapshot's binary encoding of the aggregates that make up nearly all of it (incidents with their posts,
// maintenances, components with their status changes, post owners, last seqs): read straight into the records, with no
// serializer and no JSON nesting between the file and the model, which is what made the JSON read slow (bench/README.md,
// fifteenth session). Every string is written once and referred to by number after that, so a read model read back holds one
// instance of each repeated id, author or name, as a replay does. Fields are written in constructor order; FieldsOf names
// them. ReadModelCodecTests hold that list to the state the JSON serializer sees and round-trip a model that sets every one
// of them, so a field added to a record and not written here fails a test (and, on a server, the background comparison).
internal static class ReadModelCodec
{
    // The state properties each record type is written with, in order (ReadModelCodecTests compares them with the records).
    public static readonly IReadOnlyDictionary<Type, string[]> FieldsOf = new Dictionary<Type, string[]>
    {
        [typeof(Incident)] = ["Id", "Title", "Impact", "ComponentIds", "StartedAt", "Cause", "AllPosts", "CreatedAt", "UpdatedAt", "Author", "Causes"],
        [typeof(Maintenance)] = ["Id", "Title", "ComponentIds", "ScheduledFor", "ScheduledUntil", "Posts", "CreatedAt", "UpdatedAt", "Author", "Revision"],
        [typeof(Post)] = ["Id", "Seq", "Kind", "Status", "StatedAt", "RecordedAt", "Author", "Body", "BodySha256", "ComponentChanges", "NextUpdateBy",
            "Corrects", "Reason", "CorrectedBy", "Redaction", "ContentOnLiveRecord"],
        [typeof(PostStatus)] = ["Incident", "Maintenance"],
        [typeof(ComponentChange)] = ["ComponentId", "OldStatus", "NewStatus"],
        [typeof(Redaction)] = ["Id", "Reason", "RecordedAt", "Author"],
        [typeof(Cause)] = ["Kind", "ProviderId", "ProviderName", "Ticket"],
        [typeof(CauseAttribution)] = ["Cause", "RecordedAt", "Author", "Seq"],
        [typeof(ServiceComponent)] = ["Id", "Name", "Description", "GroupId", "SlaTarget", "Position", "CreatedAt", "UpdatedAt", "Changes", "Revisions"],
        [typeof(StatusChange)] = ["At", "Status", "SourceId", "Seq", "RecordedAt", "Author", "ContentOnLiveRecord"],
        [typeof(ComponentRevision)] = ["Name", "Description", "SlaTarget", "RecordedAt", "Author", "Seq"],
    };

    public sealed class Writer(Stream stream) : IDisposable
    {
        private readonly BinaryWriter _out = new(stream, Encoding.UTF8, leaveOpen: true);
        private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);

        public void Byte(byte value) => _out.Write(value);

        public void Raw(ReadOnlySpan<byte> bytes) => _out.Write(bytes);

        public void Int(int value) => _out.Write7BitEncodedInt(value);

        public void Long(long value) => _out.Write7BitEncodedInt64(value);

        public void FixedLong(long value) => _out.Write(value);

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Int(bytes.Length);
            _out.Write(bytes);
        }

        // 0: null; 1: a new string follows (it gets the next number); n ≥ 2: the string numbered n - 2.
        public void String(string? text)
        {
            if (text is null)
            {
                Int(0);
            }
            else if (_strings.TryGetValue(text, out var number))
            {
                Int(number + 2);
            }
            else
            {
                _strings.Add(text, _strings.Count);
                Int(1);
                _out.Write(text);
            }
        }

        public void Bool(bool value) => _out.Write(value);

        public void Enum<T>(T value) where T : struct, Enum => Int(Unsafe.BitCast<T, int>(value));

        // The clock time and the offset as they are: two instants equal in UTC but written at other offsets stay different.
        public void Time(DateTimeOffset time)
        {
            _out.Write(time.Ticks);
            _out.Write((short)(time.Offset.Ticks / TimeSpan.TicksPerMinute));
        }

        public void Time(DateTimeOffset? time)
        {
            Bool(time.HasValue);
            if (time is { } value)
            {
                Time(value);
            }
        }

        public void List<T>(IReadOnlyCollection<T> items, Action<Writer, T> write)
        {
            Int(items.Count);
            foreach (var item in items)
            {
                write(this, item);
            }
        }

        public void Incident(Incident incident)
        {
            String(incident.Id);
            String(incident.Title);
            Enum(incident.Impact);
            List(incident.ComponentIds, static (w, id) => w.String(id));
            Time(incident.StartedAt);
            Cause(incident.Cause);
            List(incident.AllPosts, static (w, post) => w.Post(post));
            Time(incident.CreatedAt);
            Time(incident.UpdatedAt);
            String(incident.Author);
            List(incident.Causes, static (w, attribution) =>
            {
                w.Cause(attribution.Cause);
                w.Time(attribution.RecordedAt);
                w.String(attribution.Author);
                w.Long(attribution.Seq);
            });
        }

        public void Maintenance(Maintenance maintenance)
        {
            String(maintenance.Id);
            String(maintenance.Title);
            List(maintenance.ComponentIds, static (w, id) => w.String(id));
            Time(maintenance.ScheduledFor);
            Time(maintenance.ScheduledUntil);
            List(maintenance.Posts, static (w, post) => w.Post(post));
            Time(maintenance.CreatedAt);
            Time(maintenance.UpdatedAt);
            String(maintenance.Author);
            Int(maintenance.Revision);
        }

        public void Component(ServiceComponent component)
        {
            String(component.Id);
            String(component.Name);
            String(component.Description);
            String(component.GroupId);
            Decimal(component.SlaTarget);
            Int(component.Position);
            Time(component.CreatedAt);
            Time(component.UpdatedAt);
            List(component.Changes, static (w, change) =>
            {
                w.Time(change.At);
                w.Enum(change.Status);
                w.String(change.SourceId);
                w.Long(change.Seq);
                w.Time(change.RecordedAt);
                w.String(change.Author);
                w.Bool(change.ContentOnLiveRecord);
            });
            List(component.Revisions, static (w, revision) =>
            {
                w.String(revision.Name);
                w.String(revision.Description);
                w.Decimal(revision.SlaTarget);
                w.Time(revision.RecordedAt);
                w.String(revision.Author);
                w.Long(revision.Seq);
            });
        }

        private void Post(Post post)
        {
            String(post.Id);
            Long(post.Seq);
            Enum(post.Kind);
            // 0: no status; else 1 + (incident status + 1, or maintenance status + 1 shifted past the incident's): one number.
            Int(post.Status switch
            {
                null => 0,
                { Incident: { } incident, Maintenance: null } when (int)incident < Limit => 1 + (int)incident,
                { Incident: null, Maintenance: { } maintenance } when (int)maintenance >= 0 => 1 + Limit + (int)maintenance,
                _ => throw new InvalidDataException($"post {post.Id} has a status this format cannot hold"),
            });
            Time(post.StatedAt);
            Time(post.RecordedAt);
            String(post.Author);
            var body = post.BodyUtf8;
            Bool(body is not null);
            if (body is not null)
            {
                Bytes(body);
            }
            Digest(post.BodySha256);
            List(post.ComponentChanges, static (w, change) =>
            {
                w.String(change.ComponentId);
                w.Enum(change.OldStatus);
                w.Enum(change.NewStatus);
            });
            Time(post.NextUpdateBy);
            String(post.Corrects);
            String(post.Reason);
            List(post.CorrectedBy, static (w, id) => w.String(id));
            Bool(post.Redaction is not null);
            if (post.Redaction is { } redaction)
            {
                String(redaction.Id);
                String(redaction.Reason);
                Time(redaction.RecordedAt);
                String(redaction.Author);
            }
            Bool(post.ContentOnLiveRecord);
        }

        private void Cause(Cause cause)
        {
            Enum(cause.Kind);
            String(cause.ProviderId);
            String(cause.ProviderName);
            String(cause.Ticket);
        }

        // 32 bytes when it holds a lowercase hex digest, else its text as committed.
        private void Digest(BodyDigest digest)
        {
            Bool(digest.Text is null);
            if (digest.Text is null)
            {
                Span<byte> bytes = stackalloc byte[BodyDigest.Size];
                digest.CopyTo(bytes);
                _out.Write(bytes);
            }
            else
            {
                String(digest.Text);
            }
        }

        private void Decimal(decimal? value)
        {
            Bool(value.HasValue);
            if (value is { } number)
            {
                _out.Write(number);
            }
        }

        public void Dispose() => _out.Dispose();
    }

    // The one number of a post's status: incident statuses 1..Limit, maintenance statuses after them.
    private const int Limit = 16;

    public sealed class Reader(Stream stream) : IDisposable
    {
        private readonly BinaryReader _in = new(stream, Encoding.UTF8, leaveOpen: true);
        private readonly List<string> _strings = [];

        public byte Byte() => _in.ReadByte();

        public byte[] Raw(int count) => _in.ReadBytes(count);

        public int Int() => _in.Read7BitEncodedInt();

        public long Long() => _in.Read7BitEncodedInt64();

        public long FixedLong() => _in.ReadInt64();

        public byte[] Bytes() => _in.ReadBytes(Count());

        public string? String()
        {
            var code = Int();
            switch (code)
            {
                case 0:
                    return null;
                case 1:
                    var text = _in.ReadString();
                    _strings.Add(text);
                    return text;
                default:
                    return code - 2 < _strings.Count ? _strings[code - 2] : throw new InvalidDataException($"string {code - 2} was never written");
            }
        }

        public string Text() => String() ?? throw new InvalidDataException("a string that cannot be null is null");

        public bool Bool() => _in.ReadBoolean();

        public T Enum<T>() where T : struct, Enum => Checked(Unsafe.BitCast<int, T>(Int()));

        public DateTimeOffset Time()
        {
            var ticks = _in.ReadInt64();
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(_in.ReadInt16()));
        }

        public DateTimeOffset? NullableTime() => Bool() ? Time() : null;

        // A count no larger than the bytes left: a damaged count fails here, not as an allocation of gigabytes.
        private int Count()
        {
            var count = Int();
            return count >= 0 && count <= stream.Length - stream.Position ? count : throw new InvalidDataException($"a count of {count}");
        }

        public T[] Array<T>(Func<Reader, T> read)
        {
            var items = new T[Count()];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = read(this);
            }
            return items;
        }

        public ImmutableList<T> List<T>(Func<Reader, T> read) => ImmutableList.Create(Array(read));

        public Incident Incident()
        {
            var id = Text();
            var title = Text();
            var impact = Enum<Impact>();
            var componentIds = ImmutableArray.Create(Array(static r => r.Text()));
            var startedAt = Time();
            var cause = Cause();
            var posts = List(static r => r.Post());
            var createdAt = Time();
            var updatedAt = Time();
            var author = Text();
            var causes = List(static r => new CauseAttribution(r.Cause(), r.Time(), r.Text(), r.Long()));
            return new Incident(id, title, impact, componentIds, startedAt, cause, posts, createdAt, updatedAt, author) { Causes = causes };
        }

        public Maintenance Maintenance()
        {
            var id = Text();
            var title = Text();
            var componentIds = ImmutableArray.Create(Array(static r => r.Text()));
            var scheduledFor = Time();
            var scheduledUntil = Time();
            var posts = List(static r => r.Post());
            var createdAt = Time();
            var updatedAt = Time();
            var author = Text();
            return new Maintenance(id, title, componentIds, scheduledFor, scheduledUntil, posts, createdAt, updatedAt, author, Int());
        }

        public ServiceComponent Component()
        {
            var id = Text();
            var name = Text();
            var description = String();
            var groupId = String();
            var slaTarget = Decimal();
            var position = Int();
            var createdAt = Time();
            var updatedAt = Time();
            var changes = List(static r =>
            {
                var at = r.Time();
                var status = r.Enum<ComponentStatus>();
                var sourceId = r.String();
                var seq = r.Long();
                var recordedAt = r.NullableTime();
                var author = r.String();
                return new StatusChange(at, status, sourceId, seq, recordedAt, author) { ContentOnLiveRecord = r.Bool() };
            });
            var revisions = List(static r =>
            {
                var name = r.Text();
                var description = r.String();
                var slaTarget = r.Decimal();
                var recordedAt = r.Time();
                return new ComponentRevision(name, description, slaTarget, recordedAt, r.Text(), r.Long());
            });
            return new ServiceComponent(id, name, description, groupId, slaTarget, position, createdAt, updatedAt, changes) { Revisions = revisions };
        }

        private Post Post()
        {
            var id = Text();
            var seq = Long();
            var kind = Enum<PostKind>();
            PostStatus? status = Int() switch
            {
                0 => null,
                var n when n <= Limit => PostStatus.Of(Checked((IncidentStatus)(n - 1))),
                var n => PostStatus.Of(Checked((MaintenanceStatus)(n - 1 - Limit))),
            };
            var statedAt = Time();
            var recordedAt = Time();
            var author = Text();
            var body = Bool() ? Bytes() : null;
            var digest = Digest();
            var changes = ImmutableArray.Create(Array(static r => new ComponentChange(r.Text(), r.Enum<ComponentStatus>(), r.Enum<ComponentStatus>())));
            var nextUpdateBy = NullableTime();
            var corrects = String();
            var reason = String();
            var correctedBy = List(static r => r.Text());
            var redaction = Bool() ? new Redaction(Text(), Text(), Time(), Text()) : null;
            return new Post(id, seq, kind, status, statedAt, recordedAt, author, Body: null, digest, changes, nextUpdateBy, corrects, reason,
                correctedBy, redaction)
            { BodyUtf8 = body, ContentOnLiveRecord = Bool() };
        }

        private Cause Cause()
        {
            var kind = Enum<CauseKind>();
            var cause = new Cause(kind, String(), String(), String());
            // Most incidents' cause is unknown: one instance for all of them, as Cause.Unknown is for the replay.
            return cause == History.Cause.Unknown ? History.Cause.Unknown : cause;
        }

        private BodyDigest Digest()
        {
            if (!Bool())
            {
                return BodyDigest.Of(Text());
            }
            Span<byte> bytes = stackalloc byte[BodyDigest.Size];
            _in.BaseStream.ReadExactly(bytes);
            return BodyDigest.FromBytes(bytes);
        }

        private decimal? Decimal() => Bool() ? _in.ReadDecimal() : null;

        private static T Checked<T>(T value) where T : struct, Enum =>
            System.Enum.IsDefined(value) ? value : throw new InvalidDataException($"{value} is not a {typeof(T).Name}");

        public void Dispose() => _in.Dispose();
    }
}
