using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>
/// Runs the same body on server0, server1 and the helper, each on its own thread over in-memory
/// channels, as generated code runs. A party that throws closes its links so the others fail fast.
/// </summary>
internal static class ThreeParties
{
    public static readonly Func<PartyContext, Protocol> SecureNN = c => new SecureNN(c);

    public static readonly Func<PartyContext, Protocol> Pond = c => new Pond(c);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="body"/> on all three parties; returns the per-party results indexed by <see cref="PartyId"/>.</summary>
    public static T[] Run<T>(Func<PartyContext, Protocol> make, Func<Protocol, T> body)
    {
        var (contexts, _) = InMemoryParties.Connect(timeout: Timeout);
        return RunOn(contexts, c => body(make(c)));
    }

    public static void Run(Func<PartyContext, Protocol> make, Action<Protocol> body) =>
        Run(make, p =>
        {
            body(p);
            return 0;
        });

    /// <summary>Runs one body per party on already connected contexts.</summary>
    public static T[] RunOn<T>(PartyContext[] contexts, Func<PartyContext, T> body)
    {
        var results = new T[3];
        var errors = new Exception?[3];
        var threads = new Thread[3];
        for (var i = 0; i < 3; i++)
        {
            var index = i;
            threads[i] = new Thread(() =>
            {
                try
                {
                    results[index] = body(contexts[index]);
                }
                catch (Exception e)
                {
                    errors[index] = e;
                    contexts[index].Dispose();
                }
            })
            { IsBackground = true, Name = ((PartyId)i).ToName() };
            threads[i].Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        // Report the root cause: a party's own failure rather than a peer's "closed the link".
        var root = errors.FirstOrDefault(e => e is not null && e is not ChannelException) ?? errors.FirstOrDefault(e => e is not null);
        if (root is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(root).Throw();
        }

        return results;
    }

    /// <summary>Three contexts whose links are wrapped by <paramref name="wrap"/>(holder, peer, channel), e.g. to record traffic.</summary>
    public static PartyContext[] ConnectWrapped(Func<PartyId, PartyId, IChannel, IChannel> wrap)
    {
        var (s0s1, s1s0) = InMemoryChannel.CreatePair("server0", "server1", Timeout);
        var (s0h, hs0) = InMemoryChannel.CreatePair("server0", "helper", Timeout);
        var (s1h, hs1) = InMemoryChannel.CreatePair("server1", "helper", Timeout);
        var links = new[]
        {
            new ProtocolLinks(null, wrap(PartyId.Server0, PartyId.Server1, s0s1), wrap(PartyId.Server0, PartyId.Helper, s0h)),
            new ProtocolLinks(wrap(PartyId.Server1, PartyId.Server0, s1s0), null, wrap(PartyId.Server1, PartyId.Helper, s1h)),
            new ProtocolLinks(wrap(PartyId.Helper, PartyId.Server0, hs0), wrap(PartyId.Helper, PartyId.Server1, hs1), null),
        };
        var contexts = new PartyContext[3];
        var threads = Enumerable.Range(0, 3)
            .Select(i => new Thread(() => contexts[i] = PartyContext.Establish((PartyId)i, links[i])) { IsBackground = true })
            .ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        return contexts;
    }
}

/// <summary>Test-side sharing: the test plays input provider and output receiver by handing each server its share directly.</summary>
internal static class Shares
{
    public static (ulong[] S0, ulong[] S1) Split(ReadOnlySpan<ulong> values)
    {
        var s0 = new ulong[values.Length];
        var s1 = new ulong[values.Length];
        ClientSharing.Split(values, s0, s1);
        return (s0, s1);
    }

    /// <summary>This party's share: server0's, server1's, or empty on the helper.</summary>
    public static ulong[] For(Protocol p, (ulong[] S0, ulong[] S1) shares) => p.Role switch
    {
        PartyId.Server0 => shares.S0,
        PartyId.Server1 => shares.S1,
        _ => [],
    };

    /// <summary>Adds server0's and server1's results.</summary>
    public static ulong[] Reveal(ulong[][] perParty)
    {
        Assert.Empty(perParty[(int)PartyId.Helper]);
        var result = new ulong[perParty[0].Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = perParty[0][i] + perParty[1][i];
        }

        return result;
    }

    /// <summary>Shares <paramref name="values"/>, runs <paramref name="op"/>(protocol, share) on the three parties, reveals.</summary>
    public static ulong[] Compute(Func<PartyContext, Protocol> make, ulong[] values, Func<Protocol, ulong[], ulong[]> op)
    {
        var shares = Split(values);
        return Reveal(ThreeParties.Run(make, p => op(p, For(p, shares))));
    }

    /// <summary>Z_67 shares of the 64 bits of each value (bit k of value i at 64 i + k), as PrivateCompare takes them.</summary>
    public static (byte[] S0, byte[] S1) SplitBits(ulong[] values)
    {
        var s0 = new byte[64 * values.Length];
        Sampling.FillZp(AesPrg.FromOsEntropy(), s0);
        var s1 = new byte[s0.Length];
        for (var i = 0; i < values.Length; i++)
        {
            for (var k = 0; k < 64; k++)
            {
                s1[(64 * i) + k] = Zp.Sub((byte)((values[i] >> k) & 1), s0[(64 * i) + k]);
            }
        }

        return (s0, s1);
    }
}
