using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

public sealed class MultiplyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    public void BeaverProductIsExact(int n)
    {
        ulong[] edges = [0, 1, ulong.MaxValue, 1UL << 63, (1UL << 32) + 1];
        var x = TestValues.Concat(edges, TestValues.Ring(n, 1))[..n];
        var y = TestValues.Concat(TestValues.Ring(n, 2), edges)[^n..];
        var xs = Shares.Split(x);
        var ys = Shares.Split(y);
        var got = Shares.Reveal(ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var z = p.Alloc(n);
            p.Mul(n, Shares.For(p, xs), Shares.For(p, ys), z);
            return z;
        }));
        Assert.Equal(x.Zip(y, (a, b) => a * b), got);
    }

    [Fact]
    public void OutputMayAliasAnInput()
    {
        var x = TestValues.Ring(10, 3);
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var copy = s.ToArray();
            p.Mul(10, copy, copy, copy);
            return copy;
        });
        Assert.Equal(x.Select(v => v * v), got);
    }

    [Fact]
    public void LocalOperationsMatchPlaintext()
    {
        const int N = 12;
        var x = TestValues.Ring(N, 5);
        var y = TestValues.Ring(N, 6);
        var bias = TestValues.Ring(3, 7);
        var c = TestValues.Ring(N, 8);
        var (xs, ys, bs) = (Shares.Split(x), Shares.Split(y), Shares.Split(bias));
        var results = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var outs = Enumerable.Range(0, 6).Select(_ => p.Alloc(N)).ToArray();
            p.Add(N, Shares.For(p, xs), Shares.For(p, ys), outs[0]);
            p.Sub(N, Shares.For(p, xs), Shares.For(p, ys), outs[1]);
            p.AddPublic(N, Shares.For(p, xs), 12345, outs[2]);
            p.MulPublic(N, Shares.For(p, xs), ulong.MaxValue, outs[3]);
            p.MulPublic(N, Shares.For(p, xs), c, outs[4]);
            p.AddBias(N, 3, Shares.For(p, xs), Shares.For(p, bs), outs[5]);
            Assert.Equal(0, p.Stats.Sum(k => k.Phase != Phase.Setup).BytesSent);
            return outs;
        });
        ulong[] Open(int k) => Shares.Reveal([results[0][k], results[1][k], results[2][k]]);
        Assert.Equal(x.Zip(y, (a, b) => a + b), Open(0));
        Assert.Equal(x.Zip(y, (a, b) => a - b), Open(1));
        Assert.Equal(x.Select(a => a + 12345), Open(2));
        Assert.Equal(x.Select(a => 0 - a), Open(3));
        Assert.Equal(x.Zip(c, (a, b) => a * b), Open(4));
        Assert.Equal(x.Select((a, i) => a + bias[i % 3]), Open(5));
        Assert.All(results[2], r => Assert.Empty(r));
    }
}
