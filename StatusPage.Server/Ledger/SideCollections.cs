using LiteDB;

namespace StatusPage.Server.Ledger;

// A feature store's share of the data file (Webhooks/WebhookStore.cs): only the collections it named, never the ledger's own,
// read directly and written through the ledger store's single writer, so a refused write is reported the same way everywhere.
public sealed class SideCollections
{
    private readonly LedgerStore _store;
    private readonly HashSet<string> _names;

    internal SideCollections(LedgerStore store, IEnumerable<string> names)
    {
        _store = store;
        _names = [.. names];
    }

    public ILiteCollection<BsonDocument> Get(string name) =>
        _names.Contains(name) ? _store.SideCollection(name) : throw new ArgumentException($"'{name}' is not this store's collection", nameof(name));

    public T Write<T>(Func<T> work) => _store.WriteBeside(work);

    // Commits when the work returns true, rolls back when it returns false or throws.
    public bool InTransaction(Func<bool> work) => _store.InTransaction(work);
}
