using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Mpc.Runtime.Rings;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>
/// Statistical checks of what a party sees: one server's shares of different secrets are
/// indistinguishable, and the helper's PrivateCompare view hides where x and r first differ.
/// Each test also shows its statistic has power (a deliberately bad sharing or layout fails it).
/// </summary>
public sealed class SecurityViewTests
{
    private const int Samples = 25_600;

    [Fact]
    public void AServersInputSharesOfDifferentSecretsAreIndistinguishable()
    {
        var secretA = FixedPoint.Encode<ulong>(0.0, 13);
        var secretB = FixedPoint.Encode<ulong>(-1.0, 13);
        var sharesA = Server1SharesFromTheInputProvider(secretA);
        var sharesB = Server1SharesFromTheInputProvider(secretB);
        var histogramA = ChiSquare.TopByteHistogram(sharesA);
        var histogramB = ChiSquare.TopByteHistogram(sharesB);
        var critical = ChiSquare.Critical(255);
        Assert.InRange(ChiSquare.Uniform(histogramA), 0, critical);
        Assert.InRange(ChiSquare.Uniform(histogramB), 0, critical);
        Assert.InRange(ChiSquare.TwoSample(histogramA, histogramB), 0, critical);

        // Power: "shares" that are the secret plus small noise fail the same test.
        var random = new Random(1);
        var bad = Enumerable.Range(0, Samples).Select(_ => secretB + (ulong)random.NextInt64(1L << 58)).ToArray();
        Assert.True(ChiSquare.Uniform(ChiSquare.TopByteHistogram(bad)) > critical);
    }

    [Fact]
    public void ReluOutputSharesOfDifferentSecretsAreIndistinguishable()
    {
        var zero = new ulong[Samples];
        var large = Enumerable.Repeat(FixedPoint.Encode<ulong>(1000.0, 13), Samples).ToArray();
        var sharesOfZero = Server0ReluOutputShares(zero);
        var sharesOfLarge = Server0ReluOutputShares(large);
        var critical = ChiSquare.Critical(255);
        Assert.InRange(ChiSquare.Uniform(ChiSquare.TopByteHistogram(sharesOfZero)), 0, critical);
        Assert.InRange(ChiSquare.Uniform(ChiSquare.TopByteHistogram(sharesOfLarge)), 0, critical);
        Assert.InRange(ChiSquare.TwoSample(ChiSquare.TopByteHistogram(sharesOfZero), ChiSquare.TopByteHistogram(sharesOfLarge)), 0, critical);
    }

    [Fact]
    public void TheHelpersPrivateCompareViewHidesTheFirstDifferingBit()
    {
        // x > r for every element, first differing at bit 40: each reconstructed vector has exactly one zero.
        const int N = 3_200;
        const ulong R = 0x0123_4400_0000_89AB;
        const ulong X = R | (1UL << 40);
        var (contexts, recorders) = ConnectRecordingTheHelpersView();
        var xs = Enumerable.Repeat(X, N).ToArray();
        var (b0, b1) = Shares.SplitBits(xs);
        var rs = Enumerable.Repeat(R, N).ToArray();
        var beta = new byte[N];
        ThreeParties.RunOn(contexts, c =>
        {
            var p = new SecureNN(c);
            var server = c.IsServer;
            var result = server ? [] : new byte[N];
            p.PrivateCompare(N, c.Role == PartyId.Server0 ? b0 : server ? b1 : [], server ? rs : [], server ? beta : [], result);
            Assert.True(server || result.All(b => b == 1));
            return 0;
        });

        // The helper's two links, in creation order: from server0, from server1. Their last frames are the PrivateCompare messages.
        var d0 = recorders[0].Received[^1];
        var d1 = recorders[1].Received[^1];
        Assert.Equal(64 * N, d0.Length);
        var positions = new long[64];
        var nonZero = new long[Zp.P];
        var single = new long[Zp.P];
        for (var i = 0; i < N; i++)
        {
            var zeros = 0;
            for (var k = 0; k < 64; k++)
            {
                var d = Zp.Add(d0[(64 * i) + k], d1[(64 * i) + k]);
                single[d0[(64 * i) + k]]++;
                if (d == 0)
                {
                    positions[k]++;
                    zeros++;
                }
                else
                {
                    nonZero[d]++;
                }
            }

            Assert.Equal(1, zeros);
        }

        // Where the zero sits is uniform over the 64 positions (without the rotation it would always be bit 40).
        Assert.InRange(ChiSquare.Uniform(positions), 0, ChiSquare.Critical(63));
        var unrotated = new long[64];
        unrotated[40] = N;
        Assert.True(ChiSquare.Uniform(unrotated) > ChiSquare.Critical(63));
        // The other entries are uniform over Z_67^*, and one server's message alone is uniform over Z_67.
        Assert.InRange(ChiSquare.Uniform(nonZero[1..]), 0, ChiSquare.Critical(65));
        Assert.InRange(ChiSquare.Uniform(single), 0, ChiSquare.Critical(66));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(long.MaxValue)]
    public void TheHelpersViewOfTheMaskedMsbDReluIsAUniformBit(long secret)
    {
        // The helper receives only the PrivateCompare messages; whether they hold a zero is its output
        // bit beta xor [r' > x'], which must be uniform whatever the input, and the zero's position too.
        const int N = 3_200;
        var (contexts, recorders) = ConnectRecordingTheHelpersView();
        var xs = Shares.Split(Enumerable.Repeat((ulong)secret, N).ToArray());
        var results = ThreeParties.RunOn(contexts, c =>
        {
            var p = new SecureNN(c);
            var y = p.Alloc(N);
            p.DRelu(N, Shares.For(p, xs), y);
            return y;
        });
        Assert.All(Shares.Reveal(results), v => Assert.Equal(secret >= 0 ? 1UL : 0UL, v));

        // Each link carried the pairwise seed at setup and then the PrivateCompare messages, nothing else.
        Assert.All(recorders, r => Assert.Equal([16, 64 * N], r.Received.Select(f => f.Length)));
        var d0 = recorders[0].Received[^1];
        var d1 = recorders[1].Received[^1];
        var withZero = 0;
        var positions = new long[64];
        for (var i = 0; i < N; i++)
        {
            for (var k = 0; k < 64; k++)
            {
                if (Zp.Add(d0[(64 * i) + k], d1[(64 * i) + k]) == 0)
                {
                    withZero++;
                    positions[k]++;
                }
            }
        }

        // Binomial(3200, 1/2): mean 1600, standard deviation about 28.
        Assert.InRange(withZero, 1450, 1750);
        Assert.InRange(ChiSquare.Uniform(positions), 0, ChiSquare.Critical(63));
    }

    /// <summary>Three parties whose helper's two links (from server0, then from server1) record every frame received.</summary>
    private static (PartyContext[] Contexts, List<RecordingChannel> Recorders) ConnectRecordingTheHelpersView()
    {
        var recorders = new List<RecordingChannel>();
        var contexts = ThreeParties.ConnectWrapped((holder, peer, channel) =>
        {
            if (holder != PartyId.Helper)
            {
                return channel;
            }

            var recorder = new RecordingChannel(channel);
            recorders.Add(recorder);
            return recorder;
        });
        return (contexts, recorders);
    }

    [Fact]
    public void TheHelpersViewOfTheMaskedReluIsUniform()
    {
        // Beside the PrivateCompare messages the helper receives z_j = a_j + m_j from each server: uniform whatever a is.
        const int N = 25_600;
        var (contexts, recorders) = ConnectRecordingTheHelpersView();
        var xs = Shares.Split(Enumerable.Repeat(FixedPoint.Encode<ulong>(-3.5, 13), N).ToArray());
        var results = ThreeParties.RunOn(contexts, c =>
        {
            var p = new SecureNN(c);
            var y = p.Alloc(N);
            p.Relu(N, Shares.For(p, xs), y, 13);
            return y;
        });
        Assert.All(Shares.Reveal(results), v => Assert.Equal(0UL, v));
        var critical = ChiSquare.Critical(255);
        foreach (var recorder in recorders)
        {
            Assert.Equal([16, 64 * N, 8 * N], recorder.Received.Select(f => f.Length));
            var z = new ulong[N];
            recorder.Received[^1].CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(z.AsSpan()));
            Assert.InRange(ChiSquare.Uniform(ChiSquare.TopByteHistogram(z)), 0, critical);
        }
    }

    private static ulong[] Server1SharesFromTheInputProvider(ulong secret)
    {
        var values = Enumerable.Repeat(secret, Samples).ToArray();
        var (toServer0, atServer0) = InMemoryChannel.CreatePair("client", "server0");
        var (toServer1, atServer1) = InMemoryChannel.CreatePair("client", "server1");
        ClientSharing.Share(values, toServer0, toServer1);
        var seed = new byte[16];
        atServer0.Receive(seed);
        var share1 = new ulong[Samples];
        atServer1.Receive(System.Runtime.InteropServices.MemoryMarshal.AsBytes(share1.AsSpan()));
        return share1;
    }

    private static ulong[] Server0ReluOutputShares(ulong[] secrets)
    {
        var xs = Shares.Split(secrets);
        var results = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var y = p.Alloc(secrets.Length);
            p.Relu(secrets.Length, Shares.For(p, xs), y, 13);
            return y;
        });
        Assert.Equal(secrets.Select(v => (long)v >= 0 ? v : 0), Shares.Reveal(results));
        return results[0];
    }
}
