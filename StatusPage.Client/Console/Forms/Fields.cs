namespace StatusPage.Client.Console.Forms;

// The JSON field names the shared validators and the API's problem+json use; forms show messages under them.
public static class Fields
{
    public const string Title = "title";
    public const string Impact = "impact";
    public const string Status = "status";
    public const string Body = "body";
    public const string Components = "components";
    public const string NextUpdateBy = "next_update_by";
    public const string Reason = "reason";

    public static readonly string[] All = [Title, Impact, Status, Body, Components, NextUpdateBy, Reason];
}
