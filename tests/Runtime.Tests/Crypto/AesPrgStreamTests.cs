using Mpc.Runtime.Crypto;
using Xunit;

namespace Mpc.Runtime.Tests.Crypto;

/// <summary>The PRG's stream contract: chunking does not change the stream, seeds separate streams.</summary>
public sealed class AesPrgStreamTests
{
    [Fact]
    public void ChunkedDrawsEqualOneDraw()
    {
        var seed = AesPrg.NewSeed();
        var whole = new byte[10_000];
        new AesPrg(seed).Fill(whole);

        var prg = new AesPrg(seed);
        var pieces = new byte[whole.Length];
        var offset = 0;
        foreach (var n in new[] { 1, 15, 16, 17, 4095, 4096, 1 })
        {
            prg.Fill(pieces.AsSpan(offset, n));
            offset += n;
        }

        prg.Fill(pieces.AsSpan(offset));
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentStreams()
    {
        var a = new AesPrg(new byte[16]).Next<ulong>();
        var seed = new byte[16];
        seed[15] = 1;
        Assert.NotEqual(a, new AesPrg(seed).Next<ulong>());
    }

    [Fact]
    public void NextBelowStaysInRange()
    {
        var prg = new AesPrg(new byte[16]);
        var seen = new bool[67];
        for (var i = 0; i < 10_000; i++)
        {
            var v = prg.NextBelow(67);
            Assert.InRange(v, 0UL, 66UL);
            seen[v] = true;
        }

        Assert.All(seen, Assert.True);
    }
}
