using FluentValidation;

namespace StatusPage.Client.Contracts;

// POST /api/v1/webhooks: where to deliver, and optionally which components' incidents and maintenance (null or empty: all).
public sealed class CreateWebhookRequest
{
    public string? Url { get; set; }

    public List<string>? Components { get; init; }
}

// The shape of a webhook URL and its filter; the server adds the address rule (no loopback or private targets), which needs DNS.
public sealed class CreateWebhookValidator : AbstractValidator<CreateWebhookRequest>
{
    public const int UrlMaxLength = 2000;

    public CreateWebhookValidator(WriteContext context)
    {
        RuleFor(x => x.Url).RequiredText("url", UrlMaxLength);
        RuleFor(x => x.Url).Must(IsAbsoluteHttpUrl).When(x => !string.IsNullOrEmpty(x.Url))
            .Breaks(RuleCatalogue.AbsoluteHttpUrl, "The url must be an absolute http or https URL.").OverridePropertyName("url");
        RuleFor(x => x.Url).Must(url => !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
            .When(x => !string.IsNullOrEmpty(x.Url))
            .Breaks(RuleCatalogue.NoCredentials, "The url must not carry credentials; receivers check the signing secret instead.")
            .OverridePropertyName("url");
        RuleFor(x => x.Components).Custom((components, validation) =>
        {
            foreach (var id in (components ?? []).Where(id => context.IsComponent is { } isComponent && !isComponent(id)))
            {
                validation.AddFailure(SafeText.IsClean(id)
                    ? WriteRules.Failure("components", RuleCatalogue.KnownComponent, RuleCatalogue.NoComponent(id))
                    : WriteRules.Failure("components", RuleCatalogue.CleanText, SafeText.Message("components")));
            }
        });
    }

    public static bool IsAbsoluteHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
