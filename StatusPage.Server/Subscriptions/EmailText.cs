using System.Globalization;

namespace StatusPage.Server.Subscriptions;

// The words of the emails and of the subscription pages, in English and French (a subscriber's language is en or fr).
internal static class EmailText
{
    public static readonly string[] Languages = ["en", "fr"];

    private static readonly Dictionary<string, string> En = new()
    {
        ["investigating"] = "Investigating", ["identified"] = "Identified", ["monitoring"] = "Monitoring", ["resolved"] = "Resolved",
        ["scheduled"] = "Scheduled", ["in_progress"] = "In progress", ["verifying"] = "Verifying", ["completed"] = "Completed",
        ["cancelled"] = "Cancelled", ["operational"] = "Operational", ["degraded_performance"] = "Degraded performance",
        ["partial_outage"] = "Partial outage", ["major_outage"] = "Major outage", ["under_maintenance"] = "Under maintenance",
        ["Update"] = "Update", ["Reopened"] = "Reopened", ["Correction"] = "Correction", ["Postmortem"] = "Postmortem",
        ["Redacted"] = "Redacted", ["RedactedBecause"] = "This post was redacted: {0}",
        ["Corrects"] = "This corrects an earlier post.", ["Components"] = "Components",
        ["ViewOnPage"] = "View this update on the status page", ["Checkpoint"] = "Signed ledger checkpoint: {0} entries, root {1}. Verify: {2}",
        ["Manage"] = "Manage your subscription", ["Unsubscribe"] = "Unsubscribe",
        ["WhyYouGetThis"] = "You receive this because you subscribed to {0} status updates.",
        ["ConfirmSubject"] = "Confirm your subscription — {0}",
        ["ConfirmText"] = "Someone, probably you, asked to receive status updates from {0} at this address. To confirm, open this link and press the button:",
        ["ConfirmIgnore"] = "If it was not you, ignore this email: nothing more will be sent, and the request expires in 48 hours.",
        ["AlreadySubject"] = "Your subscription — {0}",
        ["AlreadyText"] = "Someone, probably you, asked to subscribe this address to {0} status updates. It is already subscribed. To change or end the subscription:",
        ["Subscribe"] = "Get updates by email", ["EmailLabel"] = "Email address", ["SubscribeButton"] = "Subscribe",
        ["Everything"] = "All components", ["NoneMeansAll"] = "Leave all unchecked to get every update.", ["ChooseComponents"] = "Only some components", ["FollowIncident"] = "Follow this incident only",
        ["SentTitle"] = "Check your inbox",
        ["SentText"] = "If the address can receive updates, an email is on its way. Open its link to confirm the subscription; nothing is sent before that.",
        ["ConfirmTitle"] = "Confirm your subscription", ["ConfirmButton"] = "Confirm",
        ["ConfirmedTitle"] = "Subscription confirmed", ["ConfirmedText"] = "You will receive the updates you chose.",
        ["ManageTitle"] = "Your subscription", ["Language"] = "Language", ["Save"] = "Save", ["Saved"] = "Your choices are saved.",
        ["UnsubscribeTitle"] = "Unsubscribe", ["UnsubscribeText"] = "Stop all emails from {0} to this address?",
        ["UnsubscribedTitle"] = "Unsubscribed", ["UnsubscribedText"] = "No more emails will be sent to this address.",
        ["GoneTitle"] = "This link is no longer valid", ["GoneText"] = "The subscription was ended, has expired or never existed.",
        ["InvalidTitle"] = "Please check the form", ["InvalidEmail"] = "Enter a valid email address.",
        ["UnknownComponent"] = "Choose components from the list.", ["UnknownIncident"] = "There is no such incident.",
        ["Back"] = "Back to the status page", ["Following"] = "This subscription follows one incident: {0}",
    };

    private static readonly Dictionary<string, string> Fr = new()
    {
        ["investigating"] = "Analyse en cours", ["identified"] = "Cause identifiée", ["monitoring"] = "Surveillance", ["resolved"] = "Résolu",
        ["scheduled"] = "Planifiée", ["in_progress"] = "En cours", ["verifying"] = "Vérification", ["completed"] = "Terminée",
        ["cancelled"] = "Annulée", ["operational"] = "Opérationnel", ["degraded_performance"] = "Performances dégradées",
        ["partial_outage"] = "Panne partielle", ["major_outage"] = "Panne majeure", ["under_maintenance"] = "En maintenance",
        ["Update"] = "Mise à jour", ["Reopened"] = "Rouvert", ["Correction"] = "Correction", ["Postmortem"] = "Post-mortem",
        ["Redacted"] = "Retiré", ["RedactedBecause"] = "Ce message a été retiré : {0}",
        ["Corrects"] = "Ceci corrige un message précédent.", ["Components"] = "Composants",
        ["ViewOnPage"] = "Voir cette mise à jour sur la page d’état", ["Checkpoint"] = "Point de contrôle signé du registre : {0} entrées, racine {1}. Vérifier : {2}",
        ["Manage"] = "Gérer votre abonnement", ["Unsubscribe"] = "Se désabonner",
        ["WhyYouGetThis"] = "Vous recevez ce message car vous êtes abonné aux mises à jour de {0}.",
        ["ConfirmSubject"] = "Confirmez votre abonnement — {0}",
        ["ConfirmText"] = "Quelqu’un, probablement vous, a demandé à recevoir les mises à jour de {0} à cette adresse. Pour confirmer, ouvrez ce lien et appuyez sur le bouton :",
        ["ConfirmIgnore"] = "Si ce n’était pas vous, ignorez ce message : rien d’autre ne sera envoyé, et la demande expire dans 48 heures.",
        ["AlreadySubject"] = "Votre abonnement — {0}",
        ["AlreadyText"] = "Quelqu’un, probablement vous, a demandé à abonner cette adresse aux mises à jour de {0}. Elle est déjà abonnée. Pour modifier ou arrêter l’abonnement :",
        ["Subscribe"] = "Recevoir les mises à jour par e-mail", ["EmailLabel"] = "Adresse e-mail", ["SubscribeButton"] = "S’abonner",
        ["Everything"] = "Tous les composants", ["NoneMeansAll"] = "Ne cochez rien pour recevoir toutes les mises à jour.", ["ChooseComponents"] = "Seulement certains composants", ["FollowIncident"] = "Suivre uniquement cet incident",
        ["SentTitle"] = "Consultez votre boîte de réception",
        ["SentText"] = "Si l’adresse peut recevoir des mises à jour, un e-mail est en route. Ouvrez son lien pour confirmer l’abonnement ; rien n’est envoyé avant.",
        ["ConfirmTitle"] = "Confirmez votre abonnement", ["ConfirmButton"] = "Confirmer",
        ["ConfirmedTitle"] = "Abonnement confirmé", ["ConfirmedText"] = "Vous recevrez les mises à jour choisies.",
        ["ManageTitle"] = "Votre abonnement", ["Language"] = "Langue", ["Save"] = "Enregistrer", ["Saved"] = "Vos choix sont enregistrés.",
        ["UnsubscribeTitle"] = "Se désabonner", ["UnsubscribeText"] = "Arrêter tous les e-mails de {0} à cette adresse ?",
        ["UnsubscribedTitle"] = "Désabonné", ["UnsubscribedText"] = "Plus aucun e-mail ne sera envoyé à cette adresse.",
        ["GoneTitle"] = "Ce lien n’est plus valide", ["GoneText"] = "L’abonnement a pris fin, a expiré ou n’a jamais existé.",
        ["InvalidTitle"] = "Vérifiez le formulaire", ["InvalidEmail"] = "Saisissez une adresse e-mail valide.",
        ["UnknownComponent"] = "Choisissez des composants dans la liste.", ["UnknownIncident"] = "Cet incident n’existe pas.",
        ["Back"] = "Retour à la page d’état", ["Following"] = "Cet abonnement suit un seul incident : {0}",
    };

    public static string Language(string? requested) => requested is "fr" ? "fr" : "en";

    public static CultureInfo Culture(string language) => CultureInfo.GetCultureInfo(Language(language));

    public static string Get(string language, string key) =>
        (Language(language) == "fr" ? Fr : En).TryGetValue(key, out var text) ? text : En.GetValueOrDefault(key, key);

    public static string Format(string language, string key, params object[] args) =>
        string.Format(Culture(language), Get(language, key), args);
}
