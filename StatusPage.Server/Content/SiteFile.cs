namespace StatusPage.Server.Content;

// The shape of content/site.yml (see content/README.md).
internal sealed class SiteFile
{
    public string? Name { get; set; }
    public string? Url { get; set; }
    public string? TimeZone { get; set; }
    public List<string> Languages { get; set; } = [];
    public List<ProviderYaml> Providers { get; set; } = [];
    public List<GroupYaml> Groups { get; set; } = [];
    public List<ComponentYaml> Components { get; set; } = [];
    public List<CreditYaml> SlaCredits { get; set; } = [];

    public sealed class CreditYaml
    {
        public decimal Below { get; set; }
        public decimal Credit { get; set; }
    }

    public sealed class ProviderYaml
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Url { get; set; }
        public string? StatusUrl { get; set; }
        public string? StatusInterval { get; set; }
    }

    public sealed class GroupYaml
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public List<ComponentYaml> Components { get; set; } = [];
    }

    public sealed class ComponentYaml
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public decimal? Sla { get; set; }
    }
}
