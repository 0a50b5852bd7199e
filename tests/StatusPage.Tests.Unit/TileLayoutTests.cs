using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Unit;

// The C2SP tlog-tiles paths (Transparency/TileLayout) against the spec's own examples (tlog-tiles.md), and a tree's tiles
// against the hashes of the tree they come from.
public sealed class TileLayoutTests
{
    [Theory]
    [InlineData(0, "000")]
    [InlineData(255, "255")]
    [InlineData(1000, "x001/000")]
    [InlineData(1234067, "x001/x234/067")]
    public void Indexes_are_zero_padded_groups_of_three_digits_all_but_the_last_with_an_x(long index, string encoded)
    {
        Assert.Equal(encoded, TileLayout.Encode(index));
        Assert.Equal(new TileLayout.Tile(TileLayout.Kind.Hashes, 2, index, 256), TileLayout.Parse($"tile/2/{encoded}"));
    }

    [Fact]
    public void A_tree_of_70000_has_the_tiles_the_spec_lists()
    {
        // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile, one partial level 1 tile of
        // width 17, and one partial level 2 tile of width 1."
        var hashes = TileLayout.For(70_000).Where(t => t.Kind == TileLayout.Kind.Hashes).ToList();
        Assert.Equal(273, hashes.Count(t => t.Level == 0 && t.IsFull));
        Assert.Equal(["tile/0/273.p/112", "tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1"],
            hashes.Where(t => !t.IsFull || t.Level > 0).Select(t => t.Path));
        Assert.Equal(274, TileLayout.For(70_000).Count(t => t.Kind == TileLayout.Kind.Entries));
        Assert.Equal("ndjson/273.p/112.ndjson", TileLayout.For(70_000).Last(t => t.Kind == TileLayout.Kind.Ndjson).Path);
        // "A tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1."
        Assert.Equal(["tile/0/000", "tile/1/000.p/1"], TileLayout.For(256).Where(t => t.Kind == TileLayout.Kind.Hashes).Select(t => t.Path));
        Assert.Empty(TileLayout.For(0));
    }

    [Theory]
    [InlineData("tile/0/000.p/5", "Hashes", 0, 0, 5)]
    [InlineData("tile/entries/x001/234", "Entries", 0, 1234, 256)]
    [InlineData("ndjson/007.p/255.ndjson", "Ndjson", 0, 7, 255)]
    [InlineData("tile/63/000", "Hashes", 63, 0, 256)]
    public void Paths_parse_back_to_their_tile(string path, string kind, int level, long index, int count)
    {
        var tile = TileLayout.Parse(path);
        Assert.Equal(new TileLayout.Tile(Enum.Parse<TileLayout.Kind>(kind), level, index, count), tile);
        Assert.Equal(path, tile!.Value.Path);
    }

    [Theory]
    [InlineData("tile/0/00")]
    [InlineData("tile/0/0000")]
    [InlineData("tile/00/000")]
    [InlineData("tile/64/000")]
    [InlineData("tile/0/000.p/0")]
    [InlineData("tile/0/000.p/256")]
    [InlineData("tile/0/000.p/05")]
    [InlineData("tile/0/001/000")]
    [InlineData("tile/0/x001")]
    [InlineData("tile/entries/000.ndjson")]
    [InlineData("ndjson/000")]
    [InlineData("tile/0/../000")]
    [InlineData("tile/0/x010/x000/x000/x000/x000/x000/000")]
    [InlineData("tile/entries/x036/x028/x797/x018/x963/968")]
    [InlineData("tile/0/x000/005")]
    [InlineData("ndjson/x000/x000/007.ndjson")]
    public void Malformed_paths_are_refused(string path) => Assert.Null(TileLayout.Parse(path));

    [Fact]
    public void A_tiles_hashes_are_the_roots_of_the_subtrees_it_covers()
    {
        var tree = new MerkleTree();
        for (var i = 0; i < 70_000; i++)
        {
            tree.Append(BitConverter.GetBytes(i).Concat(new byte[28]).ToArray());
        }
        // Level 1, index 1, hash 16: the subtree of leaves [(256 + 16) · 256, (256 + 17) · 256) = the root of that range.
        var start = (256L + 16) * 256;
        var level1 = tree.TileHashes(1, 256, 17);
        var expected = new MerkleTree();
        foreach (var leaf in Enumerable.Range((int)start, 256))
        {
            expected.Append(BitConverter.GetBytes(leaf).Concat(new byte[28]).ToArray());
        }
        Assert.Equal(expected.Root(256), level1[(16 * 32)..(17 * 32)]);
        // Level 2's only hash (a partial tile of width 1) is the root of the first 65,536 leaves.
        Assert.Equal(tree.Root(65_536), tree.TileHashes(2, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.TileHashes(2, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.TileHashes(3, 0, 1));
    }
}
