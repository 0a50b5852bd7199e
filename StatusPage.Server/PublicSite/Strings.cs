namespace StatusPage.Server.PublicSite;

// Marker type for IStringLocalizer<Strings>: the public UI's words, in Strings.resx (English) and Strings.fr.resx.
internal sealed class Strings;
