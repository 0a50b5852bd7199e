using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

// log.key_added: the entry that hands the log over to a new signing key (LedgerService.ReplaceKeyAsync signs its checkpoint).
internal sealed class KeyFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.KeyAdded] = typeof(KeyAdded),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) =>
        command is AddSigningKey c ? DecideKey(state, c) : null;

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        var k = (KeyAdded)payload;
        state.Keys = new SigningKeys(state.Keys.Recorded.Add(
            new RecordedKey(k.VerifierKey, k.Reason, k.FromSize, k.Replaces, entry.Seq, entry.RecordedAt, entry.Author)));
    }

    // The subject is the new key's ID (8 hex digits); it signs from the tree that first includes this entry.
    private static Decision DecideKey(StatusSnapshot state, AddSigningKey c)
    {
        if (!NoteVerifier.TryParse(c.VerifierKey, out var key) || key is null)
        {
            return Violation(RuleCatalogue.ValidVerifierKey, "verifier_key", "The key is not a signed-note verifier key (name+id+base64).");
        }
        if (state.Keys.Recorded.Any(k => k.VerifierKey == c.VerifierKey) || c.VerifierKey == c.Replaces)
        {
            return Violation(RuleCatalogue.NewKey, "verifier_key", "This key was already recorded; a replacement needs a new key.");
        }
        if (state.Keys.Latest is { } latest && NoteVerifier.TryParse(latest.VerifierKey, out var previous) && previous!.Name != key.Name)
        {
            return Violation(RuleCatalogue.SameOrigin, "verifier_key",
                $"A new key keeps the log's name (its origin) '{previous.Name}'; this one is named '{key.Name}'.");
        }
        var subject = key.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return Decision.Accept(new PendingEntry(EntryKinds.KeyAdded, subject,
            new KeyAdded(c.VerifierKey, c.Reason, state.Head.Seq + 1, c.Replaces)));
    }
}
