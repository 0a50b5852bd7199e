using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Markdown;
using StatusPage.Server.Site;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Subscriptions;

// Builds one email: a plain-text part and an HTML part (the post's Markdown through the one pipeline, every other text encoded),
// threaded per incident or maintenance, with List-Id and RFC 8058 one-click unsubscribe. Links start at `links` (site.yml's url,
// or StatusPage:PublicUrl). With a DKIM signer, each message is signed once complete.
internal sealed class EmailComposer(SiteSettings site, Uri links, MailboxAddress from, DkimSigner? dkim = null)
{
    private readonly SiteSettings _linkSite = site with { Url = links };

    private string Host => links.Host;

    public Uri ConfirmLink(Subscriber s) => SiteLinks.Absolute(_linkSite, "subscriptions/confirm/" + s.Token);

    public Uri ManageLink(Subscriber s) => SiteLinks.Absolute(_linkSite, "subscriptions/manage/" + s.Token);

    public Uri UnsubscribeLink(Subscriber s) => SiteLinks.Absolute(_linkSite, "subscriptions/unsubscribe/" + s.Token);

    public static string MessageId(string deliveryId, string host) => $"{deliveryId}@{host}";

    public static string ThreadId(string owner, string host) => $"{owner}.thread@{host}";

    // null when the entry's post is no longer in the history.
    public MimeMessage? Compose(Subscriber subscriber, EmailDelivery delivery, StatusSnapshot snapshot, SignedCheckpoint? checkpoint,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(delivery);
        var message = delivery.Kind switch
        {
            EmailKind.Confirmation => Notice(subscriber, delivery, now, "ConfirmSubject", "ConfirmText", ConfirmLink(subscriber), "ConfirmIgnore"),
            EmailKind.AlreadySubscribed => Notice(subscriber, delivery, now, "AlreadySubject", "AlreadyText", ManageLink(subscriber), null),
            _ => Update(subscriber, delivery, snapshot, checkpoint, now),
        };
        return message is null ? null : EmailSigning.Sign(dkim, message);
    }

    private MimeMessage Notice(Subscriber s, EmailDelivery delivery, DateTimeOffset now, string subjectKey, string textKey, Uri link,
        string? afterKey)
    {
        var lang = s.Language;
        var text = new StringBuilder()
            .AppendLine(EmailText.Format(lang, textKey, site.Name)).AppendLine().AppendLine(link.AbsoluteUri).AppendLine();
        var html = new StringBuilder(Start(lang, EmailText.Format(lang, subjectKey, site.Name)))
            .Append("<p>").Append(Encode(EmailText.Format(lang, textKey, site.Name))).Append("</p>")
            .Append("<p><a href=\"").Append(Encode(link.AbsoluteUri)).Append("\">").Append(Encode(link.AbsoluteUri)).Append("</a></p>");
        if (afterKey is not null)
        {
            text.AppendLine(EmailText.Get(lang, afterKey));
            html.Append("<p>").Append(Encode(EmailText.Get(lang, afterKey))).Append("</p>");
        }
        html.Append("</body></html>");
        var message = Message(s, delivery, now, EmailText.Format(lang, subjectKey, site.Name), text.ToString(), html.ToString());
        // A confirmation is not a list message: no unsubscribe headers (the address is not subscribed yet).
        return message;
    }

    private MimeMessage? Update(Subscriber s, EmailDelivery delivery, StatusSnapshot snapshot, SignedCheckpoint? checkpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (delivery.EntryId is not { } entryId)
        {
            return null;
        }
        // A post is found by its id; a redaction entry by the post it redacted.
        var found = snapshot.PostOwners.TryGetValue(entryId, out var owner) && snapshot.FindPost(entryId) is { } post
            ? (owner, post, redaction: false)
            : snapshot.IncidentsNewestFirst.Select(i => (i.Id, i.AllPosts)).Concat(snapshot.Maintenances.Values.Select(m => (m.Id, m.Posts)))
                .SelectMany(t => t.Item2.Select(p => (owner: t.Id, post: p)))
                .Where(t => t.post.Redaction?.Id == entryId).Select(t => (t.owner, t.post, redaction: true)).FirstOrDefault();
        if (found.post is null)
        {
            return null;
        }
        var (subjectId, shown, isRedaction) = (found.owner!, found.post, found.redaction);
        var lang = s.Language;
        var isIncident = snapshot.Incidents.TryGetValue(subjectId, out var incident);
        var title = isIncident ? incident!.Title : snapshot.Maintenances[subjectId].Title;
        var permalink = SiteLinks.Post(isIncident ? SiteLinks.Incident(_linkSite, subjectId) : SiteLinks.Maintenance(_linkSite, subjectId), shown.Id);
        var label = isRedaction ? EmailText.Get(lang, "Redacted") : Label(lang, shown);
        var subject = $"[{label}] {title} — {site.Name}";
        var when = When(lang, shown.StatedAt);

        var text = new StringBuilder().AppendLine(title).AppendLine(label + " · " + when).AppendLine();
        var html = new StringBuilder(Start(lang, subject))
            .Append("<p style=\"color:#59636e;margin:0\">").Append(Encode(site.Name)).Append("</p>")
            .Append("<h1 style=\"font-size:1.35em;margin:.3em 0\">").Append(Encode(title)).Append("</h1>")
            .Append("<p><strong>").Append(Encode(label)).Append("</strong> · ").Append(Encode(when)).Append("</p>");
        if (shown.Redaction is { } redacted)
        {
            var because = EmailText.Format(lang, "RedactedBecause", redacted.Reason);
            text.AppendLine(because);
            html.Append("<p><em>").Append(Encode(because)).Append("</em></p>");
        }
        else
        {
            if (shown.Kind == PostKind.Correction)
            {
                text.AppendLine(EmailText.Get(lang, "Corrects")).AppendLine();
                html.Append("<p><em>").Append(Encode(EmailText.Get(lang, "Corrects"))).Append("</em></p>");
            }
            text.AppendLine(shown.Body ?? "");
            html.Append(MarkdownRenderer.ToHtml(shown.Body ?? ""));
        }
        if (!shown.ComponentChanges.IsDefaultOrEmpty)
        {
            text.AppendLine().AppendLine(EmailText.Get(lang, "Components") + ":");
            html.Append("<p><strong>").Append(Encode(EmailText.Get(lang, "Components"))).Append("</strong></p><ul>");
            foreach (var change in shown.ComponentChanges)
            {
                var name = snapshot.Components.TryGetValue(change.ComponentId, out var c) ? c.Name : change.ComponentId;
                var line = $"{name}: {EmailText.Get(lang, change.OldStatus.ToWord())} → {EmailText.Get(lang, change.NewStatus.ToWord())}";
                text.AppendLine("- " + line);
                html.Append("<li>").Append(Encode(line)).Append("</li>");
            }
            html.Append("</ul>");
        }
        text.AppendLine().AppendLine(EmailText.Get(lang, "ViewOnPage") + ": " + permalink.AbsoluteUri);
        html.Append("<p><a href=\"").Append(Encode(permalink.AbsoluteUri)).Append("\">").Append(Encode(EmailText.Get(lang, "ViewOnPage")))
            .Append("</a></p>");
        if (checkpoint is not null)
        {
            var line = EmailText.Format(lang, "Checkpoint", checkpoint.Size, checkpoint.Checkpoint.RootBase64,
                SiteLinks.Absolute(_linkSite, "verify").AbsoluteUri);
            text.AppendLine().AppendLine(line);
            html.Append("<p style=\"font-size:.8em;color:#59636e;word-break:break-all\">").Append(Encode(line)).Append("</p>");
        }
        var manage = ManageLink(s).AbsoluteUri;
        var unsubscribe = UnsubscribeLink(s).AbsoluteUri;
        text.AppendLine().AppendLine("-- ").AppendLine(EmailText.Format(lang, "WhyYouGetThis", site.Name))
            .AppendLine(EmailText.Get(lang, "Manage") + ": " + manage).AppendLine(EmailText.Get(lang, "Unsubscribe") + ": " + unsubscribe);
        html.Append("<hr style=\"border:0;border-top:1px solid #d1d9e0;margin:1.5em 0 .5em\"><p style=\"font-size:.8em;color:#59636e\">")
            .Append(Encode(EmailText.Format(lang, "WhyYouGetThis", site.Name))).Append("<br><a href=\"").Append(Encode(manage)).Append("\">")
            .Append(Encode(EmailText.Get(lang, "Manage"))).Append("</a> · <a href=\"").Append(Encode(unsubscribe)).Append("\">")
            .Append(Encode(EmailText.Get(lang, "Unsubscribe"))).Append("</a></p></body></html>");

        var message = Message(s, delivery, now, subject, text.ToString(), html.ToString());
        var thread = ThreadId(subjectId, Host);
        message.InReplyTo = thread;
        message.References.Add(thread);
        message.Headers.Add("List-Id", $"{Phrase(site.Name)} <updates.{Host}>");
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return message;
    }

    private MimeMessage Message(Subscriber s, EmailDelivery delivery, DateTimeOffset now, string subject, string text, string html)
    {
        var message = new MimeMessage
        {
            Subject = subject,
            Date = now,
            // Deterministic per subscriber and entry: a resend after a crash carries the same id, so clients can drop the copy.
            MessageId = MessageId(delivery.Id, Host),
            Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(s.Email));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    private static string Label(string lang, Post post) => post.Kind switch
    {
        PostKind.Correction => EmailText.Get(lang, "Correction"),
        PostKind.Postmortem => EmailText.Get(lang, "Postmortem"),
        PostKind.Reopen => EmailText.Get(lang, "Reopened") + ", " + EmailText.Get(lang, post.Status?.Word ?? "Update").ToLower(EmailText.Culture(lang)),
        _ => EmailText.Get(lang, post.Status?.Word ?? "Update"),
    };

    private string When(string lang, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, site.TimeZone);
        var culture = EmailText.Culture(lang);
        return local.ToString("d MMMM yyyy HH:mm", culture) + " (" + site.TimeZone.Id + ") · "
            + at.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }

    private static string Start(string lang, string title) =>
        $"<!DOCTYPE html><html lang=\"{EmailText.Language(lang)}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + $"<title>{Encode(title)}</title>{Style}</head><body style=\"font-family:system-ui,-apple-system,'Segoe UI',sans-serif;line-height:1.5;"
        + "color:#1f2328;max-width:40rem;margin:0 auto;padding:1rem\">";

    // For what the Markdown pipeline writes (code blocks, tables): a long line wraps or scrolls in its box, never widens a phone's
    // screen. Clients that drop <style> still get the inline body style.
    private const string Style = "<style>body{overflow-wrap:anywhere}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em .75em;"
        + "border-radius:4px}code{font-size:.9em}table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}"
        + "th,td{border:1px solid #d1d9e0;padding:.25em .6em;text-align:left}</style>";

    // A display name for List-Id: quoted, without the characters that would end the quote or the header.
    private static string Phrase(string name) =>
        "\"" + new string([.. name.Where(c => c is not ('"' or '\\') && !char.IsControl(c))]) + "\"";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
