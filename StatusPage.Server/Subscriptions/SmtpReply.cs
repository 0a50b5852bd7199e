using System.Text.RegularExpressions;
using MailKit.Net.Smtp;

namespace StatusPage.Server.Subscriptions;

internal enum SmtpOutcome
{
    Sent,
    // Refused for good for this address: counts toward the subscriber's bounces.
    Bounced,
    // This message refused for good, not naming the address: the delivery fails, no bounce.
    Refused,
    // A temporary (4xx) answer for this address or message: the delivery is retried with backoff.
    Deferred,
    // The relay itself (connection, greeting, login, sender, relaying, timeout): the round stops and backs off, no attempt or bounce counts.
    RelayFailed,
}

// Since: the first failure of this outage; NextProbeAt: when one email is tried again over one connection.
internal sealed record RelayProblem(DateTimeOffset Since, DateTimeOffset LastAt, string Error, int Failures, DateTimeOffset NextProbeAt);

// Which SMTP answers are a subscriber's bounce: only a permanent refusal of that recipient (5xx to RCPT TO, or 5xx after DATA
// naming the mailbox; one recipient per message). A refusal of the sender, the login or relaying hits every subscriber alike:
// that is the relay's configuration, not the address.
internal static partial class SmtpReply
{
    public static SmtpOutcome Classify(SmtpErrorCode command, int status, string text, string recipient)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(recipient);
        // Postfix: "550 5.1.1 <x>: Recipient address rejected: User unknown in relay recipient table" names a relay but is the address's.
        if (command == SmtpErrorCode.RecipientNotAccepted && status >= 500 && AddressStatus().IsMatch(text))
        {
            return SmtpOutcome.Bounced;
        }
        if (command is not (SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted) || IsAboutTheRelay(status, text))
        {
            return SmtpOutcome.RelayFailed;
        }
        if (status < 500)
        {
            return SmtpOutcome.Deferred;
        }
        return command == SmtpErrorCode.RecipientNotAccepted || NamesTheMailbox(text, recipient) ? SmtpOutcome.Bounced : SmtpOutcome.Refused;
    }

    // "554 5.7.1 Relay access denied", "530 5.7.0 Authentication required", "550 5.7.1 ... not authenticated".
    private static bool IsAboutTheRelay(int status, string text) =>
        status is 421 or 530 or 535 or 454 || RelayWords().IsMatch(text);

    // "550 5.1.1 <ada@example.org>: no such user", or an enhanced code about the address (5.1.x, 5.2.x).
    private static bool NamesTheMailbox(string text, string recipient) =>
        text.Contains(recipient, StringComparison.OrdinalIgnoreCase) || AddressStatus().IsMatch(text);

    [GeneratedRegex(@"relay|authenticat|\bauth\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelayWords();

    [GeneratedRegex(@"^\s*5\.[12]\.\d{1,3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AddressStatus();
}
