#!/usr/bin/python3
"""Independent verifier for a StatusPage ledger, written from docs/LEDGER.md only.

usage: verify_ledger.py LEDGER.ndjson CHECKPOINT VKEY [--proof PROOF.json]
       verify_ledger.py --vectors docs/LEDGER.md

LEDGER.ndjson  the ledger as published (GET /api/v1/ledger or the `export` verb), or an `export-site` folder: then its
               NDJSON chunks (docs/LEDGER.md section 6.1) are read, and its hash tiles and entry bundles checked too
CHECKPOINT     a signed checkpoint note (GET /api/v1/ledger/checkpoint)
VKEY           the log's verifier key, or a file holding it (GET /api/v1/ledger/key)
PROOF.json     optionally, an incident's or maintenance's proof.json

Checks the hash chain, every body against its body_sha256, redactions, the checkpoint's Ed25519 signature, the
Merkle root of the first N entries against the checkpoint of size N, and each inclusion proof of the proof.json.
With --vectors, checks the test vectors of docs/LEDGER.md section 8 instead: the tiny ledger, its roots at each size,
the inclusion and consistency proofs and the signed checkpoint.
Exit 0 and "OK: ..." when everything holds; exit 1 and "FAILED: ..." naming what does not; exit 2 on usage errors.
Needs only the standard library and python3-cryptography (Debian), for Ed25519.
"""

import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ENCODING = "statuspage-ledger/1"
GENESIS = "0" * 64
BODY_KINDS = {
    "incident.update_posted", "incident.reopened", "incident.postmortem_published",
    "maintenance.update_posted", "post.corrected",
}
KINDS = BODY_KINDS | {
    "provider.declared", "group.declared", "component.declared", "component.status_set",
    "incident.opened", "incident.cause_attributed", "maintenance.scheduled", "post.redacted",
    "operator.created", "operator.password_set", "operator.role_set", "operator.disabled",
    "token.created", "token.revoked", "request.completed", "log.key_added",
    "provider.status_observed",
}
FIELDS = ["seq", "id", "recorded_at", "kind", "subject", "author", "payload", "body", "prev_hash", "hash"]


class Failed(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


def netstring(text):
    data = text.encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b","


def entry_hash(e):
    fields = [ENCODING, str(e["seq"]), e["id"], e["recorded_at"], e["kind"], e["subject"], e["author"],
              e["payload"], e["prev_hash"]]
    return hashlib.sha256(b"".join(netstring(f) for f in fields)).hexdigest()


def check_entry(e, where):
    """One entry on its own: fields, hash, payload, body. Returns the parsed payload."""
    if not isinstance(e, dict) or sorted(e) != sorted(FIELDS):
        raise Failed(f"{where}: not an entry with exactly the members {', '.join(FIELDS)}")
    name = f"entry {e['seq']} ({e['id']})"
    if e["hash"] != entry_hash(e):
        raise Failed(f"{name}: hash does not match its fields (a field was altered)")
    if e["kind"] not in KINDS:
        raise Failed(f"{name}: unknown kind {e['kind']!r}")
    try:
        payload = json.loads(e["payload"])
    except ValueError as error:
        raise Failed(f"{name}: payload is not JSON: {error}")
    if not isinstance(payload, dict):
        raise Failed(f"{name}: payload is not a JSON object")
    if e["body"] is not None:
        if e["kind"] not in BODY_KINDS:
            raise Failed(f"{name}: carries a body although kind {e['kind']} has none")
        if hashlib.sha256(e["body"].encode("utf-8")).hexdigest() != payload.get("body_sha256"):
            raise Failed(f"{name}: body does not match its body_sha256 (the text was altered)")
    return payload


def read_ledger(path):
    entries = []
    with open(path, encoding="utf-8", newline="") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line:
                try:
                    entries.append(json.loads(line))
                except ValueError as error:
                    raise Failed(f"{path}:{number}: not JSON: {error}")
    return entries


def tile_index(n):
    """docs/LEDGER.md section 6.1: 1234067 -> x001/x234/067."""
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + groups[-1:])


def tiles(size):
    """(level, index, width, path suffix) of every hash tile of the tree of this size (section 6.1)."""
    level = 0
    while size >> (8 * level) > 0:
        count = size >> (8 * level)
        for index in range(count // 256 + (1 if count % 256 else 0)):
            width = min(256, count - index * 256)
            yield level, index, width, tile_index(index) + ("" if width == 256 else f".p/{width}")
        level += 1


def read_site(folder):
    """The entries of an export-site folder: ledger/checkpoint's size, then the NDJSON chunks (section 6.1)."""
    with open(os.path.join(folder, "ledger", "checkpoint"), encoding="utf-8", newline="") as f:
        size = int(f.read().split("\n")[1])
    entries = []
    for _, index, width, suffix in (t for t in tiles(size) if t[0] == 0):
        entries += read_ledger(os.path.join(folder, "ledger", "ndjson", suffix + ".ndjson"))
        if len(entries) != index * 256 + width:
            raise Failed(f"ledger/ndjson/{suffix}.ndjson does not hold {width} entries")
    return entries


def check_tiles(folder, entries):
    """Every hash tile and entry bundle of the folder against the tree of the entries (section 6.1)."""
    hashes = [bytes.fromhex(e["hash"]) for e in entries]
    level_hashes = [hashlib.sha256(b"\x00" + h).digest() for h in hashes]
    for level, index, width, suffix in tiles(len(entries)):
        if level > 0 and index == 0 and suffix.startswith("000"):
            previous = level_hashes
            level_hashes = [merkle_subtree(previous[i:i + 256]) for i in range(0, len(previous) - 255, 256)]
        with open(os.path.join(folder, "ledger", "tile", str(level), *suffix.split("/")), "rb") as f:
            if f.read() != b"".join(level_hashes[index * 256:index * 256 + width]):
                raise Failed(f"ledger/tile/{level}/{suffix} does not hold what the entries give")
        if level == 0:
            with open(os.path.join(folder, "ledger", "tile", "entries", *suffix.split("/")), "rb") as f:
                if f.read() != b"".join(b"\x00\x20" + h for h in hashes[index * 256:index * 256 + width]):
                    raise Failed(f"ledger/tile/entries/{suffix} does not hold the entries' hashes")


def merkle_subtree(leaf_hashes):
    """MTH over already hashed leaves (a power of two of them)."""
    while len(leaf_hashes) > 1:
        leaf_hashes = [hashlib.sha256(b"\x01" + leaf_hashes[i] + leaf_hashes[i + 1]).digest() for i in range(0, len(leaf_hashes), 2)]
    return leaf_hashes[0]


def check_chain(entries):
    prev, redacted, missing = GENESIS, set(), []
    for index, e in enumerate(entries):
        payload = check_entry(e, f"line {index + 1}")
        if e["seq"] != index + 1:
            raise Failed(f"entry {index + 1} is missing or was renumbered; found seq {e['seq']}")
        if e["prev_hash"] != prev:
            raise Failed(f"entry {e['seq']} ({e['id']}): prev_hash does not match entry {index}'s hash")
        if e["kind"] == "post.redacted":
            redacted.add(payload.get("redacts"))
        if e["body"] is None and e["kind"] in BODY_KINDS:
            missing.append(e)
        prev = e["hash"]
    for e in missing:
        if e["id"] not in redacted:
            raise Failed(f"entry {e['seq']} ({e['id']}): body is missing but no redaction names it")
    return prev


def leaf_hash(leaf):
    return sha256(b"\x00" + leaf)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def merkle_root(leaves):
    """MTH(D[0:n]) of RFC 9162 section 2.1.1."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, path, first_root, second_root):
    """RFC 9162 section 2.1.4.2."""
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path
    if first > second or not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def check_vectors(markdown_path):
    """The test vectors of docs/LEDGER.md: each block follows a line "<!-- vector: NAME -->"."""
    with open(markdown_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, at = {}, 0
    while at < len(lines):
        if lines[at].startswith("<!-- vector: ") and lines[at + 1].startswith("```"):
            name, end = lines[at][len("<!-- vector: "):-len(" -->")], lines.index("```", at + 2)
            blocks[name] = "".join(line + "\n" for line in lines[at + 2:end])
            at = end
        at += 1
    vkey = parse_vkey(blocks["verifier-key"])
    entries = [json.loads(line) for line in blocks["ledger"].splitlines() if line]
    check_chain(entries)
    leaves = [bytes.fromhex(e["hash"]) for e in entries]
    roots = {}
    for line in blocks["roots"].splitlines():
        size, hex_root, b64_root = line.split(" ")
        root = merkle_root(leaves[:int(size)])
        if root.hex() != hex_root or base64.b64encode(root).decode() != b64_root:
            raise Failed(f"vectors: the root at size {size} is {root.hex()}, not {hex_root}")
        roots[int(size)] = root
    inclusion = json.loads(blocks["inclusion"])
    path = [base64.b64decode(h) for h in inclusion["hashes"]]
    if inclusion["leaf_index"] != inclusion["seq"] - 1 or inclusion["leaf"] != entries[inclusion["seq"] - 1]["hash"] or \
            not verify_inclusion(bytes.fromhex(inclusion["leaf"]), inclusion["leaf_index"], inclusion["size"], path, roots[inclusion["size"]]):
        raise Failed("vectors: the inclusion proof does not verify")
    consistency = json.loads(blocks["consistency"])
    path = [base64.b64decode(h) for h in consistency["hashes"]]
    if not verify_consistency(consistency["from"], consistency["to"], path, roots[consistency["from"]], roots[consistency["to"]]):
        raise Failed("vectors: the consistency proof does not verify")
    origin, size, root = open_checkpoint(blocks["checkpoint"], vkey)
    if root != roots[size]:
        raise Failed(f"vectors: the checkpoint signs another root for size {size}")
    return f"OK: {markdown_path}: {len(entries)} entries, {len(roots)} roots, the inclusion and consistency proofs and the checkpoint verify"


def parse_vkey(text):
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        raise Failed(f"{text.strip()!r} is not a verifier key (name+keyid+base64)")
    name, key_id, material = parts[0], bytes.fromhex(parts[1]), base64.b64decode(parts[2], validate=True)
    if len(material) != 33 or material[0] != 0x01:
        raise Failed("the verifier key is not an Ed25519 key")
    public = material[1:]
    if sha256(name.encode("utf-8") + b"\n\x01" + public)[:4] != key_id:
        raise Failed("the verifier key's ID does not match its name and key")
    return name, key_id, Ed25519PublicKey.from_public_bytes(public)


def open_checkpoint(note, vkey):
    """Verifies the signed note with the key and returns (origin, size, root)."""
    name, key_id, public = vkey
    split = note.rfind("\n\n")
    if not note.endswith("\n") or split < 0:
        raise Failed("the checkpoint is not a signed note")
    text, signed = note[:split + 1], False
    for line in note[split + 2:-1].split("\n"):
        if not line.startswith("\u2014 ") or len(line[2:].split(" ")) != 2:
            raise Failed(f"the checkpoint has a malformed signature line {line!r}")
        signer, signature = line[2:].split(" ")
        signature = base64.b64decode(signature, validate=True)
        if signer == name and signature[:4] == key_id:
            try:
                public.verify(signature[4:], text.encode("utf-8"))
            except InvalidSignature:
                raise Failed(f"the checkpoint's signature by {name} does not verify")
            signed = True
    if not signed:
        raise Failed(f"the checkpoint carries no signature by the key {name}")
    lines = text.split("\n")
    if len(lines) < 4 or lines[0] != name or not lines[1].isdigit():
        raise Failed(f"the signed text is not a checkpoint of origin {name}")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise Failed("the checkpoint's root is not 32 bytes")
    return lines[0], int(lines[1]), root


def check_proof(bundle, vkey, own_checkpoint):
    if bundle.get("format") != "statuspage-proof/1":
        raise Failed("proof.json: format is not statuspage-proof/1")
    origin, size, root = open_checkpoint(bundle["checkpoint"], vkey)
    if bundle["tree_size"] != size or base64.b64decode(bundle["root"]) != root:
        raise Failed("proof.json: tree_size and root are not its signed checkpoint's")
    if own_checkpoint[1] == size and own_checkpoint[2] != root:
        raise Failed(f"proof.json: its checkpoint signs another root for size {size} than the given checkpoint (a fork)")
    if not bundle["entries"]:
        raise Failed("proof.json: no entries")
    for proven in bundle["entries"]:
        e = proven["entry"]
        check_entry(e, "proof.json entry")
        if e["subject"] != bundle["subject"]:
            raise Failed(f"proof.json: entry {e['seq']} is about {e['subject']}, not {bundle['subject']}")
        path = [base64.b64decode(h, validate=True) for h in proven["inclusion"]]
        if proven["leaf_index"] != e["seq"] - 1 or not verify_inclusion(bytes.fromhex(e["hash"]), proven["leaf_index"], size, path, root):
            raise Failed(f"proof.json: entry {e['seq']} ({e['id']}) is not included in the tree of size {size}")
    return len(bundle["entries"]), size


def main(argv):
    args, proof = list(argv), None
    if len(args) == 2 and args[0] == "--vectors":
        try:
            print(check_vectors(args[1]))
            return 0
        except (Failed, OSError, ValueError, KeyError, IndexError) as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
    if "--proof" in args:
        at = args.index("--proof")
        if at + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        proof = args[at + 1]
        del args[at:at + 2]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ledger_path, checkpoint_path, key = args
    try:
        if os.path.exists(key):
            with open(key, encoding="utf-8") as f:
                key = f.read()
        vkey = parse_vkey(key)
        with open(checkpoint_path, encoding="utf-8", newline="") as f:
            checkpoint = open_checkpoint(f.read(), vkey)
        site = os.path.isdir(ledger_path)
        entries = read_site(ledger_path) if site else read_ledger(ledger_path)
        head = check_chain(entries)
        if site:
            check_tiles(ledger_path, entries)
        origin, size, root = checkpoint
        if len(entries) < size:
            raise Failed(f"the ledger holds {len(entries)} entries but the checkpoint signs size {size} (truncated)")
        actual = merkle_root([bytes.fromhex(e["hash"]) for e in entries[:size]])
        if actual != root:
            raise Failed(f"the root of the first {size} entries is {base64.b64encode(actual).decode()}, but the checkpoint "
                         f"signs {base64.b64encode(root).decode()} (rewritten)")
        message = f"OK: {len(entries)} entries verified (head {head}); root at size {size} matches the checkpoint signed by {origin}"
        if proof is not None:
            with open(proof, encoding="utf-8") as f:
                count, proof_size = check_proof(json.load(f), vkey, checkpoint)
            message += f"; proof.json: {count} entries included in the tree of size {proof_size}"
        print(message)
        return 0
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
