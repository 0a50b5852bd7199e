using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Unit;

public sealed class ReadAheadTests
{
    [Fact]
    public void Items_arrive_in_order_and_are_read_on_one_other_thread()
    {
        var readers = new HashSet<int>();
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 5_000; i++)
            {
                readers.Add(Environment.CurrentManagedThreadId);
                yield return i;
            }
        }

        var items = ReadAhead.Of(Source(), batchSize: 64).ToList();

        Assert.Equal(Enumerable.Range(0, 5_000), items);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, readers);
        Assert.Single(readers);
    }

    [Fact]
    public void A_failure_while_reading_reaches_the_consumer()
    {
        IEnumerable<int> Source()
        {
            yield return 1;
            throw new InvalidDataException("page 7 is unreadable");
        }

        var error = Assert.Throws<InvalidDataException>(() => ReadAhead.Of(Source()).ToList());

        Assert.Equal("page 7 is unreadable", error.Message);
    }

    [Fact]
    public void Stopping_early_stops_and_disposes_the_reader()
    {
        var reader = new Reader();

        var firstTen = ReadAhead.Of(reader.Endless(), batchSize: 16, batchesAhead: 2).Take(10).ToList();

        Assert.Equal(Enumerable.Range(0, 10), firstTen);
        Assert.True(reader.Disposed, "the reader's enumerator was not disposed");
        Assert.InRange(reader.Produced, 10, 16 * 4);
    }

    private sealed class Reader
    {
        public bool Disposed { get; private set; }

        public int Produced { get; private set; }

        public IEnumerable<int> Endless()
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    Produced++;
                    yield return i;
                }
            }
            finally
            {
                Disposed = true;
            }
        }
    }
}
