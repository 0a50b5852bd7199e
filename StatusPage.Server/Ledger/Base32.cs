namespace StatusPage.Server.Ledger;

// The lowercase base-32 alphabet (RFC 4648 letters, digits 2-7) of entry ids and the Statuspage page id: 5 bits per character.
internal static class Base32
{
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static char Of(byte value) => Alphabet[value & 31];
}
