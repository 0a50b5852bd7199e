namespace StatusPage.Server.Transparency;

// Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) write it, so a verifier in any
// language that follows the RFC agrees with this one. Used by `monitor`, `verify --checkpoint`, `verify-proof` and tests.
internal static class MerkleProofs
{
    public static bool VerifyInclusion(ReadOnlySpan<byte> leaf, long leafIndex, long treeSize, IReadOnlyList<byte[]> path,
        ReadOnlySpan<byte> root)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return false;
        }
        var (fn, sn) = (leafIndex, treeSize - 1);
        var r = new byte[MerkleTree.HashSize];
        MerkleTree.HashLeaf(leaf, r);
        foreach (var p in path)
        {
            if (sn == 0 || p.Length != MerkleTree.HashSize)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.HashChildren(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                r = MerkleTree.HashChildren(r, p);
            }
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    public static bool VerifyConsistency(long firstSize, ReadOnlySpan<byte> firstRoot, long secondSize,
        ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> path)
    {
        if (firstSize < 0 || firstSize > secondSize)
        {
            return false;
        }
        if (firstSize == secondSize)
        {
            return path.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }
        if (firstSize == 0)
        {
            // Every tree extends the empty one; RFC 9162 defines no proof for it.
            return path.Count == 0;
        }
        var proof = new List<byte[]>(path);
        if (proof.Count == 0 || proof.Any(p => p.Length != MerkleTree.HashSize))
        {
            return false;
        }
        if (long.IsPow2(firstSize))
        {
            proof.Insert(0, firstRoot.ToArray());
        }
        var (fn, sn) = (firstSize - 1, secondSize - 1);
        while ((fn & 1) == 1)
        {
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        var fr = proof[0];
        var sr = proof[0];
        foreach (var c in proof.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleTree.HashChildren(c, fr);
                sr = MerkleTree.HashChildren(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                sr = MerkleTree.HashChildren(sr, c);
            }
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }
}
