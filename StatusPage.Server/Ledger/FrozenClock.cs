namespace StatusPage.Server.Ledger;

// "Now" held at one instant (a verb's host, HostMode.SiteReader): every page of one export is rendered as of the same moment, so
// its pages agree with each other and the same ledger exported as of the same instant gives the same bytes. Timers still run in
// real time (the base TimeProvider's), only the reading of the clock stands still.
internal sealed class FrozenClock(DateTimeOffset at) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => at;
}
