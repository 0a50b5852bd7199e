using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace StatusPage.Server.Transparency;

// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys, through NSec (libsodium): a text ending in a newline,
// a blank line, then lines "— <key name> base64(4-byte key ID ‖ signature)". Key formats are Go's golang.org/x/mod/sumdb/note:
// verifier "<name>+<hex key ID>+base64(0x01 ‖ public key)", signer "PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)".
internal static class SignedNote
{
    public const byte Ed25519Type = 0x01;
    private const string SignaturePrefix = "— ";

    // key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4], big-endian.
    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = Ed25519Type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static bool IsValidKeyName(string name) =>
        name.Length > 0 && !name.Contains('+', StringComparison.Ordinal) && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    // The note's text (with its final newline) and its signature lines, split at the last blank line; null if malformed.
    public static (string Text, IReadOnlyList<(string Name, byte[] Signature)> Signatures)? Parse(string note)
    {
        if (!note.EndsWith('\n') || note.Any(c => c < 0x20 && c != '\n'))
        {
            return null;
        }
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || split + 2 >= note.Length)
        {
            return null;
        }
        var text = note[..(split + 1)];
        var signatures = new List<(string, byte[])>();
        foreach (var line in note[(split + 2)..^1].Split('\n'))
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                return null;
            }
            var parts = line[SignaturePrefix.Length..].Split(' ');
            if (parts.Length != 2 || !IsValidKeyName(parts[0]))
            {
                return null;
            }
            try
            {
                var signature = Convert.FromBase64String(parts[1]);
                if (signature.Length < 4)
                {
                    return null;
                }
                signatures.Add((parts[0], signature));
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return signatures.Count == 0 ? null : (text, signatures);
    }
}

// A public key that checks notes: "<name>+<hex key ID>+base64(0x01 ‖ 32-byte Ed25519 public key)".
public sealed class NoteVerifier
{
    private readonly PublicKey _key;

    private NoteVerifier(string name, byte[] publicKey)
    {
        Name = name;
        PublicKeyBytes = publicKey;
        KeyId = SignedNote.KeyId(name, publicKey);
        _key = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte[] PublicKeyBytes { get; }

    public static NoteVerifier FromPublicKey(string name, byte[] publicKey) => new(name, publicKey);

    public static bool TryParse(string text, out NoteVerifier? verifier)
    {
        verifier = null;
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3 || !SignedNote.IsValidKeyName(parts[0]) || parts[1].Length != 8 || parts[1].Any(char.IsAsciiLetterUpper) ||
            !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId))
        {
            return false;
        }
        try
        {
            var material = Convert.FromBase64String(parts[2]);
            if (material.Length != 33 || material[0] != SignedNote.Ed25519Type)
            {
                return false;
            }
            var candidate = new NoteVerifier(parts[0], material[1..]);
            verifier = candidate.KeyId == keyId ? candidate : null;
            return verifier is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public override string ToString() =>
        $"{Name}+{KeyId:x8}+{Convert.ToBase64String([SignedNote.Ed25519Type, .. PublicKeyBytes])}";

    // The note's text if one of its signatures is by this key (same name and key ID) and verifies; null otherwise.
    // A signature by this key that fails rejects the whole note, as the spec recommends.
    public string? Open(string note)
    {
        if (SignedNote.Parse(note) is not { } parsed)
        {
            return null;
        }
        var verified = false;
        foreach (var (name, signature) in parsed.Signatures)
        {
            if (name != Name || BinaryPrimitives.ReadUInt32BigEndian(signature) != KeyId)
            {
                continue;
            }
            if (signature.Length != 68 || !SignatureAlgorithm.Ed25519.Verify(_key, Encoding.UTF8.GetBytes(parsed.Text), signature.AsSpan(4)))
            {
                return null;
            }
            verified = true;
        }
        return verified ? parsed.Text : null;
    }
}

// The private half: signs notes. Kept in a file readable by its owner only (TransparencyKeyFile).
public sealed class NoteSigner : IDisposable
{
    private const string PrivatePrefix = "PRIVATE+KEY+";
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        _key = key;
        Verifier = NoteVerifier.FromPublicKey(name, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public NoteVerifier Verifier { get; }

    public string Name => Verifier.Name;

    public static NoteSigner Generate(string name)
    {
        if (!SignedNote.IsValidKeyName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid key name (non-empty, no spaces, no '+')", nameof(name));
        }
        var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, key);
    }

    public static NoteSigner Parse(string text)
    {
        var line = text.Trim();
        var parts = line.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? line[PrivatePrefix.Length..].Split('+', 3) : [];
        if (parts.Length != 3 || !SignedNote.IsValidKeyName(parts[0]))
        {
            throw new FormatException("not a signing key (expected PRIVATE+KEY+<name>+<key ID>+<base64>)");
        }
        var material = Convert.FromBase64String(parts[2]);
        if (material.Length != 33 || material[0] != SignedNote.Ed25519Type)
        {
            throw new FormatException("not an Ed25519 signing key");
        }
        var key = Key.Import(SignatureAlgorithm.Ed25519, material.AsSpan(1), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signer = new NoteSigner(parts[0], key);
        if (!string.Equals(parts[1], signer.Verifier.KeyId.ToString("x8", CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            signer.Dispose();
            throw new FormatException("the signing key's ID does not match its key");
        }
        return signer;
    }

    public string ToPrivateKeyText() =>
        $"{PrivatePrefix}{Name}+{Verifier.KeyId:x8}+{Convert.ToBase64String([SignedNote.Ed25519Type, .. _key.Export(KeyBlobFormat.RawPrivateKey)])}";

    // text must end in a newline; returns the whole signed note.
    public string Sign(string text)
    {
        if (!text.EndsWith('\n'))
        {
            throw new ArgumentException("a note's text ends in a newline", nameof(text));
        }
        var signature = new byte[68];
        BinaryPrimitives.WriteUInt32BigEndian(signature, Verifier.KeyId);
        SignatureAlgorithm.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text), signature.AsSpan(4));
        return $"{text}\n— {Name} {Convert.ToBase64String(signature)}\n";
    }

    public void Dispose() => _key.Dispose();
}
