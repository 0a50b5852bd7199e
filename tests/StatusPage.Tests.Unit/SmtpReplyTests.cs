using MailKit.Net.Smtp;
using StatusPage.Server.Subscriptions;

namespace StatusPage.Tests.Unit;

// Which SMTP answers are one subscriber's bounce and which are the relay's (Subscriptions/SmtpReply.cs); replies as real servers word them.
public sealed class SmtpReplyTests
{
    private const string Ada = "ada@example.org";

    [Theory]
    // Postfix, an unknown user on a relay domain: the word "relay" must not make it the relay's failure (it would stop every email).
    [InlineData(550, "5.1.1 <ada@example.org>: Recipient address rejected: User unknown in relay recipient table")]
    [InlineData(550, "5.1.1 <ada@example.org>: Recipient address rejected: User unknown in virtual mailbox table")]
    [InlineData(552, "5.2.2 mailbox full")]
    public void A_recipient_refused_with_an_address_status_is_that_addresss_bounce(int status, string text) =>
        Assert.Equal(SmtpOutcome.Bounced, SmtpReply.Classify(SmtpErrorCode.RecipientNotAccepted, status, text, Ada));

    [Theory]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 554, "5.7.1 <ada@example.org>: Relay access denied")]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, 530, "5.7.0 Authentication required")]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 553, "5.7.1 <status@tidewater.example>: Sender address rejected")]
    public void A_refusal_of_the_relay_or_sender_is_no_bounce(SmtpErrorCode command, int status, string text) =>
        Assert.Equal(SmtpOutcome.RelayFailed, SmtpReply.Classify(command, status, text, Ada));

    [Fact]
    public void A_temporary_refusal_of_a_recipient_is_retried() =>
        Assert.Equal(SmtpOutcome.Deferred, SmtpReply.Classify(SmtpErrorCode.RecipientNotAccepted, 450, "4.2.1 mailbox busy", Ada));
}
