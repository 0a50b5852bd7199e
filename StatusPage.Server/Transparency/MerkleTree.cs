using System.Security.Cryptography;

namespace StatusPage.Server.Transparency;

// The RFC 9162 §2.1 Merkle tree over the ledger: leaf = an entry's 32-byte hash, leaf hash = SHA-256(0x00 ‖ leaf),
// node = SHA-256(0x01 ‖ left ‖ right). Level k holds the hashes of the complete, aligned subtrees of 2^k leaves, so the
// root and every proof at any size n ≤ Size come from O(log² n) stored hashes; appending is O(log n).
// Thread-safe: one writer (the ledger's), many readers (proof endpoints).
public sealed class MerkleTree
{
    public const int HashSize = 32;

    private readonly List<HashLevel> _levels = [new()];
    private readonly Lock _sync = new();

    public long Size
    {
        get
        {
            lock (_sync)
            {
                return _levels[0].Count;
            }
        }
    }

    // Adds one leaf (an entry's raw hash) and every complete subtree it closes.
    public void Append(ReadOnlySpan<byte> leaf)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        HashLeaf(leaf, hash);
        AppendLeafHash(hash);
    }

    // The leaf hashes in order: with AppendLeafHash, a read-model snapshot carries the tree without its entries.
    public byte[] LeafHashes()
    {
        lock (_sync)
        {
            return _levels[0].All.ToArray();
        }
    }

    // Adds a leaf already hashed (one of LeafHashes) and every complete subtree it closes.
    public void AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        leafHash[..HashSize].CopyTo(hash);
        lock (_sync)
        {
            var index = _levels[0].Count;
            _levels[0].Add(hash);
            for (var level = 0; (index & 1) == 1; level++, index >>= 1)
            {
                if (_levels.Count == level + 1)
                {
                    _levels.Add(new HashLevel());
                }
                HashChildren(_levels[level].Get(index - 1), _levels[level].Get(index), hash);
                _levels[level + 1].Add(hash);
            }
        }
    }

    // Forgets every leaf from size on: a write that could not be committed must not stay in the tree.
    public void Truncate(long size)
    {
        lock (_sync)
        {
            for (var level = 0; level < _levels.Count; level++)
            {
                _levels[level].Truncate(size >> level);
            }
        }
    }

    // A C2SP tlog-tiles hash tile's bytes: `count` hashes from `start` at tree level 8 × tileLevel, the roots of the complete
    // subtrees of 256^tileLevel leaves (level 0: the leaf hashes).
    public byte[] TileHashes(int tileLevel, long start, int count)
    {
        lock (_sync)
        {
            var level = 8 * tileLevel;
            if (tileLevel < 0 || level >= _levels.Count || start < 0 || count < 0 || start + count > _levels[level].Count)
            {
                throw new ArgumentOutOfRangeException(nameof(count), $"no {count} hashes from {start} at tile level {tileLevel}");
            }
            return _levels[level].All.Slice((int)(start * HashSize), count * HashSize).ToArray();
        }
    }

    // MTH(D[0:size]); the empty tree's root is SHA-256 of nothing.
    public byte[] Root(long size)
    {
        lock (_sync)
        {
            CheckSize(size);
            return size == 0 ? SHA256.HashData(ReadOnlySpan<byte>.Empty) : SubtreeHash(0, size);
        }
    }

    // RFC 9162 §2.1.3.1 PATH(m, D[0:size]): the audit path of leaf index in the tree of the given size.
    public IReadOnlyList<byte[]> InclusionProof(long index, long size)
    {
        lock (_sync)
        {
            CheckSize(size);
            if (index < 0 || index >= size)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} is not in a tree of size {size}");
            }
            var proof = new List<byte[]>();
            Path(index, 0, size, proof);
            return proof;
        }
    }

    // RFC 9162 §2.1.4.1 PROOF(m, D[0:n]): the consistency proof that the tree of size n extends the tree of size m.
    public IReadOnlyList<byte[]> ConsistencyProof(long m, long n)
    {
        lock (_sync)
        {
            CheckSize(n);
            if (m < 0 || m > n)
            {
                throw new ArgumentOutOfRangeException(nameof(m), $"size {m} is not between 0 and {n}");
            }
            var proof = new List<byte[]>();
            if (m > 0 && m < n)
            {
                SubProof(m, 0, n, startsAtOldRoot: true, proof);
            }
            return proof;
        }
    }

    public static void HashLeaf(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + leaf.Length];
        input[0] = 0x00;
        leaf.CopyTo(input[1..]);
        SHA256.HashData(input, destination);
    }

    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + HashSize + HashSize];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        SHA256.HashData(input, destination);
    }

    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        HashChildren(left, right, hash);
        return hash;
    }

    // The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves.
    public static long SplitPoint(long n) => 1L << (int)(63 - long.LeadingZeroCount(n - 1));

    private void Path(long index, long start, long end, List<byte[]> proof)
    {
        var n = end - start;
        if (n == 1)
        {
            return;
        }
        var k = SplitPoint(n);
        if (index < start + k)
        {
            Path(index, start, start + k, proof);
            proof.Add(SubtreeHash(start + k, end));
        }
        else
        {
            Path(index, start + k, end, proof);
            proof.Add(SubtreeHash(start, start + k));
        }
    }

    private void SubProof(long m, long start, long end, bool startsAtOldRoot, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!startsAtOldRoot)
            {
                proof.Add(SubtreeHash(start, end));
            }
            return;
        }
        var k = SplitPoint(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, startsAtOldRoot, proof);
            proof.Add(SubtreeHash(start + k, end));
        }
        else
        {
            SubProof(m - k, start + k, end, startsAtOldRoot: false, proof);
            proof.Add(SubtreeHash(start, start + k));
        }
    }

    // MTH(D[start:end]): a stored hash when the range is one aligned complete subtree, else split as the RFC does.
    private byte[] SubtreeHash(long start, long end)
    {
        var n = end - start;
        if (long.IsPow2(n))
        {
            var level = long.TrailingZeroCount(n);
            return _levels[(int)level].Get(start >> (int)level).ToArray();
        }
        var k = SplitPoint(n);
        return HashChildren(SubtreeHash(start, start + k), SubtreeHash(start + k, end));
    }

    private void CheckSize(long size)
    {
        if (size < 0 || size > _levels[0].Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"size {size} is not between 0 and {_levels[0].Count}");
        }
    }

    // Hashes of one level in one growing byte array (no object per hash: 100,000 entries keep ~6.4 MB, not 200,000 arrays).
    private sealed class HashLevel
    {
        private byte[] _bytes = new byte[HashSize * 64];

        public long Count { get; private set; }

        public ReadOnlySpan<byte> Get(long index) => _bytes.AsSpan((int)(index * HashSize), HashSize);

        public ReadOnlySpan<byte> All => _bytes.AsSpan(0, (int)(Count * HashSize));

        public void Add(ReadOnlySpan<byte> hash)
        {
            var offset = (int)(Count * HashSize);
            if (offset + HashSize > _bytes.Length)
            {
                Array.Resize(ref _bytes, _bytes.Length * 2);
            }
            hash.CopyTo(_bytes.AsSpan(offset));
            Count++;
        }

        public void Truncate(long count) => Count = Math.Min(Count, count);
    }
}
