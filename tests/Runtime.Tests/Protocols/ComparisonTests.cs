using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>SecureNN's building blocks, each against its plaintext definition on edge and random values.</summary>
public sealed class ComparisonTests
{
    private const ulong L1 = ulong.MaxValue; // L - 1 = 2^64 - 1, the odd modulus
    private static readonly ulong[] Edges = [0, 1, 2, 3, L1, L1 - 1, L1 - 2, 1UL << 63, (1UL << 63) - 1, (1UL << 63) + 1, 1UL << 62, 0x5555_5555_5555_5555];

    [Fact]
    public void PrivateCompareGivesTheHelperBetaXorGreaterThan()
    {
        var pairs = new List<(ulong X, ulong R)>();
        foreach (var x in Edges)
        {
            foreach (var r in Edges)
            {
                pairs.Add((x, r));
            }
        }

        var random = TestValues.Ring(64, 1);
        for (var k = 0; k < 64; k++)
        {
            pairs.Add((random[k], random[k] ^ (1UL << k)));  // first difference at bit k
            pairs.Add((random[k], random[(k + 1) % 64]));
        }

        var n = 2 * pairs.Count;
        var xs = pairs.SelectMany(p => new[] { p.X, p.X }).ToArray();
        var rs = pairs.SelectMany(p => new[] { p.R, p.R }).ToArray();
        var beta = Enumerable.Range(0, n).Select(i => (byte)(i & 1)).ToArray();
        var (b0, b1) = Shares.SplitBits(xs);
        var results = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var server = p.Role.IsServer();
            var result = p.Role == PartyId.Helper ? new byte[n] : [];
            ((SecureNN)p).PrivateCompare(n, p.Role == PartyId.Server0 ? b0 : server ? b1 : [], server ? rs : [], server ? beta : [], result);
            return result;
        });
        for (var i = 0; i < n; i++)
        {
            var expected = beta[i] ^ (xs[i] > rs[i] ? 1 : 0);
            Assert.True(expected == results[2][i], $"x = {xs[i]:x}, r = {rs[i]:x}, beta = {beta[i]}");
        }
    }

    [Fact]
    public void ShareConvertHandlesEveryWrapCombination()
    {
        var values = new List<ulong>();
        var s0 = new List<ulong>();
        foreach (var a in Edges.Where(e => e != L1).Concat(TestValues.Ring(40, 2).Where(e => e != L1)))
        {
            // Shares chosen to make a_0 + a_1 wrap or not, including the share L - 1 (which is 0 in the odd ring).
            foreach (var first in new[] { 0UL, a, L1, a + 1, 1UL << 63, a ^ 0xFFFF_0000_0000_0000, a * 31 })
            {
                values.Add(a);
                s0.Add(first);
            }
        }

        var n = values.Count;
        var share0 = s0.ToArray();
        var share1 = values.Select((a, i) => a - share0[i]).ToArray();
        var results = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var y = p.Alloc(n);
            ((SecureNN)p).ShareConvert(n, Shares.For(p, (share0, share1)), y);
            return y;
        });
        for (var i = 0; i < n; i++)
        {
            Assert.True(results[0][i] < L1 && results[1][i] < L1, "odd-ring shares are below 2^64 - 1");
            Assert.True(values[i] == OddRing.Add(results[0][i], results[1][i]), $"a = {values[i]:x} with shares {share0[i]:x}, {share1[i]:x}");
        }
    }

    [Fact]
    public void ShareConvertOfTheExcludedValueGivesItsOddResidue()
    {
        // 2^64 - 1 has no counterpart below the odd modulus: the protocol returns shares of its residue, 0.
        ulong[] a = [L1, L1];
        ulong[] share0 = [0, 12345];
        var share1 = a.Select((v, i) => v - share0[i]).ToArray();
        var results = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var y = p.Alloc(2);
            ((SecureNN)p).ShareConvert(2, Shares.For(p, (share0, share1)), y);
            return y;
        });
        Assert.Equal([0UL, 0UL], [OddRing.Add(results[0][0], results[1][0]), OddRing.Add(results[0][1], results[1][1])]);
    }

    [Fact]
    public void ComputeMsbOfOddRingShares()
    {
        var values = Edges.Where(e => e != L1).Concat(TestValues.Ring(200, 3).Where(e => e != L1)).ToArray();
        var n = values.Length;
        var prg = AesPrg.FromOsEntropy();
        var share0 = new ulong[n];
        Sampling.FillOdd(prg, share0);
        share0[0] = 0;
        share0[1] = L1 - 1;
        share0[2] = values[2];
        var share1 = values.Select((y, i) => OddRing.Sub(y, share0[i])).ToArray();
        var got = Shares.Reveal(ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var msb = p.Alloc(n);
            ((SecureNN)p).ComputeMsb(n, Shares.For(p, (share0, share1)), msb);
            return msb;
        }));
        Assert.Equal(values.Select(y => y >> 63), got);
    }

    [Theory]
    [InlineData(DReluMethod.MaskedMsb, 63)]
    [InlineData(DReluMethod.ShareConvert, 62)]
    public void DReluAndReluAreExactOnTheirWholeDomain(DReluMethod method, int domainBits)
    {
        var bound = domainBits == 63 ? long.MaxValue : (1L << 62) - 1;
        long[] edges = [0, 1, -1, 2, -2, bound, -bound - 1, bound - 1, -bound, 4096, -4096, 1L << 62, -(1L << 62)];
        var x = TestValues.Concat(edges.Where(v => v <= bound && v >= -bound - 1).Select(v => (ulong)v).ToArray(), domainBits == 63 ? TestValues.Ring(150, 4) : TestValues.Signed(150, 62, 4), TestValues.Signed(50, 20, 5));
        var n = x.Length;
        var xs = Shares.Split(x);
        var results = ThreeParties.Run(c => new SecureNN(c) { Comparison = method }, p =>
        {
            var d = p.Alloc(n);
            var r = p.Alloc(n);
            ((SecureNN)p).DRelu(n, Shares.For(p, xs), d);
            p.Relu(n, Shares.For(p, xs), r, fracBits: 13);
            return (d, r);
        });
        var drelu = Shares.Reveal([results[0].d, results[1].d, results[2].d]);
        var relu = Shares.Reveal([results[0].r, results[1].r, results[2].r]);
        Assert.Equal(x.Select(v => (long)v >= 0 ? 1UL : 0UL), drelu);
        Assert.Equal(x.Select(v => (long)v >= 0 ? v : 0UL), relu);
    }

    [Fact]
    public void ThePapersMethodGivesTheSameMaxPool()
    {
        var g = new Mpc.Runtime.Kernels.PoolGeometry(2, 5, 5, 1, 3, 3, 2, 2, 1, 1, 1, 1);
        var input = TestValues.Signed(g.InputLength, 50, 13);
        var outputs = new[] { DReluMethod.MaskedMsb, DReluMethod.ShareConvert }.Select(method => Shares.Compute(c => new SecureNN(c) { Comparison = method }, input, (p, s) =>
        {
            var y = p.Alloc(g.OutputLength);
            p.MaxPool(g, s, y);
            return y;
        })).ToArray();
        Assert.Equal(outputs[0], outputs[1]);
        var windows = PoolWindows.Get(g);
        Assert.Equal(Enumerable.Range(0, g.OutputLength).Select(o => (ulong)windows.Window(o).ToArray().Max(i => (long)input[i])), outputs[0]);
    }

    /// <summary>
    /// The pipelined ReLU (two chunks in flight) in place over three chunks, with its material dealt
    /// by each party's offline instance on a thread of its own into a small buffer (the party
    /// program's concurrent mode): exact, and the same traffic as the cost model.
    /// </summary>
    [Theory]
    [InlineData(DReluMethod.MaskedMsb)]
    [InlineData(DReluMethod.ShareConvert)]
    public void ReluInPlaceOverThreeChunksWithConcurrentPreprocessingIsExact(DReluMethod method)
    {
        var n = (2 * SecureNN.ChunkElements) + 333;
        var x = TestValues.Signed(n, 40, 21);
        var shares = Shares.Split(x);
        var (online, offline) = InMemoryParties.Connect(withOffline: true, timeout: TimeSpan.FromSeconds(60));
        var results = ThreeParties.RunOn(online, context =>
        {
            var buffer = new PreprocessingBuffer(4L << 20);
            var id = (int)context.Role;
            var onlineProtocol = new SecureNN(context, ExecutionMode.Online, buffer) { Comparison = method };
            var dealer = new SecureNN(offline![id], ExecutionMode.Offline, buffer) { Comparison = method };
            Exception? failure = null;
            var producer = new Thread(() =>
            {
                try
                {
                    dealer.Relu(n, dealer.Alloc(n), dealer.Alloc(n), 0);
                }
                catch (Exception e)
                {
                    failure = e;
                    buffer.Fail(e.Message);
                }
                finally
                {
                    buffer.Complete();
                }
            }) { IsBackground = true };
            producer.Start();
            var y = (ulong[])Shares.For(onlineProtocol, shares).Clone();
            onlineProtocol.Relu(n, y, y, 0);
            producer.Join();
            Assert.Null(failure);
            Assert.Equal(0, buffer.Count);
            Assert.True(buffer.PeakBytes <= (4L << 20) + (SecureNN.ChunkElements * 1024L), $"peak {buffer.PeakBytes}");
            return (y, onlineProtocol.Stats.Total(Phase.Online).BytesSent);
        });
        Assert.Equal(x.Select(v => (long)v >= 0 ? v : 0UL), Shares.Reveal([results[0].y, results[1].y, results[2].y]));
        var cost = ProtocolCosts.Relu(n, method);
        Assert.Equal(cost.ServerBytes, results[0].BytesSent);
        Assert.Equal(cost.ServerBytes, results[1].BytesSent);
    }

    [Fact]
    public void ReluAndMaxPoolOverSeveralChunksAreExact()
    {
        var n = SecureNN.ChunkElements + 1000;
        var x = TestValues.Signed(n, 40, 11);
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = p.Alloc(n);
            p.Relu(n, s, y, 0);
            return y;
        });
        Assert.Equal(x.Select(v => (long)v >= 0 ? v : 0UL), got);

        // 2x2 pooling with more compared pairs per level than a chunk holds.
        var g = new Mpc.Runtime.Kernels.PoolGeometry(1, 2, SecureNN.ChunkElements + 64, 1, 2, 2, 2, 2, 0, 0, 0, 0);
        var input = TestValues.Signed(g.InputLength, 50, 12);
        var pooled = Shares.Compute(ThreeParties.SecureNN, input, (p, s) =>
        {
            var y = p.Alloc(g.OutputLength);
            p.MaxPool(g, s, y);
            return y;
        });
        var w = g.InW;
        Assert.Equal(Enumerable.Range(0, g.OutputLength).Select(o => (ulong)new[] { input[2 * o], input[(2 * o) + 1], input[w + (2 * o)], input[w + (2 * o) + 1] }.Max(v => (long)v)), pooled);
    }

    [Fact]
    public void ReluInPlace()
    {
        var x = TestValues.Signed(33, 40, 6);
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = s.ToArray();
            p.Relu(x.Length, y, y, 0);
            return y;
        });
        Assert.Equal(x.Select(v => (long)v >= 0 ? v : 0UL), got);
    }

    [Fact]
    public void SelectSharePicksByTheSharedBit()
    {
        var alpha = Enumerable.Range(0, 20).Select(i => (ulong)(i % 3 == 0 ? 1 : 0)).ToArray();
        var x = TestValues.Ring(20, 7);
        var y = TestValues.Ring(20, 8);
        var (a, xs, ys) = (Shares.Split(alpha), Shares.Split(x), Shares.Split(y));
        var got = Shares.Reveal(ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var z = p.Alloc(20);
            ((SecureNN)p).SelectShare(20, Shares.For(p, a), Shares.For(p, xs), Shares.For(p, ys), z);
            return z;
        }));
        Assert.Equal(alpha.Select((b, i) => b == 1 ? y[i] : x[i]), got);
    }
}
