using System.Reflection;
using LiteDB;

namespace StatusPage.Server.Ledger;

// LiteDB 5 commits into its write-ahead log through a background writer and returns before the pages are written; a write that
// then fails (a full disk) closes its engine silently, and the "committed" entry is gone after a restart. This waits for that
// writer and surfaces its failure, so a commit counts only once its pages are written. Internals of LiteDB 5.0.20, checked at
// start-up (Check) so an upgrade that moves them fails loudly instead of acknowledging writes it cannot confirm.
internal static class LogWriter
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? EngineField = typeof(LiteDatabase).GetField("_engine", Private);
    private static readonly FieldInfo? DiskField = typeof(LiteDB.Engine.LiteEngine).GetField("_disk", Private);
    private static readonly PropertyInfo? QueueProperty = DiskField?.FieldType.GetProperty("Queue");
    private static readonly Type? QueueType = QueueProperty?.PropertyType.GetGenericArguments().SingleOrDefault();
    private static readonly FieldInfo? IsEmptyField = QueueType?.GetField("_queueIsEmpty", Private);
    private static readonly FieldInfo? FailureField = QueueType?.GetField("_exception", Private);
    private static readonly FieldInfo? MonitorField = typeof(LiteDB.Engine.LiteEngine).GetField("_monitor", Private);
    private static readonly PropertyInfo? TransactionsProperty = MonitorField?.FieldType.GetProperty("Transactions");
    private static readonly FieldInfo? StateField = typeof(LiteDB.Engine.LiteEngine).GetField("_state", Private);
    private static readonly FieldInfo? DisposedField = StateField?.FieldType.GetField("Disposed");

    // The engine under the store's one-call-at-a-time wrapper (OneCallAtATime).
    private static LiteDB.Engine.LiteEngine? EngineOf(LiteDatabase db) => EngineField?.GetValue(db) switch
    {
        OneCallAtATime wrapped => wrapped.Inner as LiteDB.Engine.LiteEngine,
        LiteDB.Engine.LiteEngine engine => engine,
        _ => null,
    };

    public static void Check()
    {
        if (IsEmptyField is null || FailureField is null || EngineField is null || QueueProperty is null || TransactionsProperty is null
            || DisposedField is null)
        {
            throw new InvalidOperationException("This LiteDB version's log writer cannot be observed (expected LiteDB 5.0.20): " +
                "writes could be acknowledged before they are written.");
        }
    }

    // Returns once every page committed so far is written; throws the writer's failure if it failed.
    public static void WaitUntilWritten(LiteDatabase db)
    {
        Check();
        if (EngineOf(db) is not { } engine || DiskField!.GetValue(engine) is not { } disk
            || QueueProperty!.GetValue(disk) is not { } lazy)
        {
            throw new InvalidOperationException("The LiteDB engine is not open.");
        }
        if (lazy.GetType().GetProperty("IsValueCreated")!.GetValue(lazy) is not true)
        {
            return;
        }
        var queue = lazy.GetType().GetProperty("Value")!.GetValue(lazy)!;
        var empty = (ManualResetEventSlim)IsEmptyField!.GetValue(queue)!;
        // A failed writer never signals "empty": look at its failure between short waits.
        while (!empty.Wait(TimeSpan.FromMilliseconds(20)))
        {
            ThrowIfFailed(queue, engine);
        }
        ThrowIfFailed(queue, engine);
    }

    // A transaction a failed write left open is disposed by its finalizer, which throws on a closed engine ("discarded page
    // must be writable") and so ends the process: before a broken connection is dropped, its transactions are let go quietly.
    public static void AbandonOpenTransactions(LiteDatabase db)
    {
        if (EngineOf(db) is { } engine && MonitorField!.GetValue(engine) is { } monitor
            && TransactionsProperty!.GetValue(monitor) is System.Collections.IEnumerable transactions)
        {
            foreach (var transaction in transactions.Cast<object>().ToList())
            {
#pragma warning disable CA1816 // On purpose: these are LiteDB's objects, whose finalizer would crash the process.
                GC.SuppressFinalize(transaction);
#pragma warning restore CA1816
            }
        }
    }

    private static void ThrowIfFailed(object queue, LiteDB.Engine.LiteEngine engine)
    {
        if (FailureField!.GetValue(queue) is Exception failure)
        {
            throw new IOException($"LiteDB could not write its log: {failure.Message}", failure);
        }
        // When the writer's very first write fails, LiteDB closes the engine from inside the writer and waits for the writer
        // to finish: it never does, and its failure is never recorded. The closed engine is the only sign; that thread is lost.
        if (DisposedField!.GetValue(StateField!.GetValue(engine)) is true)
        {
            throw new IOException("LiteDB closed its engine: its log writer failed.");
        }
    }
}
