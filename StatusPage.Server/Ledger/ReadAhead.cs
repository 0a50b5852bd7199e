using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace StatusPage.Server.Ledger;

// Enumerates a source on a thread of its own, a few batches ahead of the consumer. The whole enumeration (and its
// disposal) stays on that one thread, which LiteDB requires of a read.
internal static class ReadAhead
{
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int batchSize = 512, int batchesAhead = 8)
    {
        using var batches = new BlockingCollection<List<T>>(batchesAhead);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                var batch = new List<T>(batchSize);
                foreach (var item in source)
                {
                    batch.Add(item);
                    if (batch.Count == batchSize)
                    {
                        batches.Add(batch, stop.Token);
                        batch = new List<T>(batchSize);
                    }
                }
                batches.Add(batch, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped early (a bad entry): nothing more is wanted.
            }
#pragma warning disable CA1031 // Any failure is handed to the consumer's thread and rethrown there.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }
            finally
            {
                batches.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "ledger read-ahead" };
        producer.Start();
        try
        {
            foreach (var batch in batches.GetConsumingEnumerable())
            {
                foreach (var item in batch)
                {
                    yield return item;
                }
            }
        }
        finally
        {
            stop.Cancel();
            producer.Join();
        }
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
