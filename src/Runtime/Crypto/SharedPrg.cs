using System.Security.Cryptography;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Crypto;

/// <summary>
/// Agreement on a PRG seed between the two ends of a link, so that a pair of parties can derive
/// the same randomness without further communication (server0-server1, server0-helper,
/// server1-helper).
/// </summary>
/// <remarks>
/// Protocol: one round, one 16-byte frame. The <em>dealer</em> (by the role rule, the lower-numbered
/// role: server0 with server1 and the helper, server1 with the helper) draws the seed from the OS
/// CSPRNG and sends it; the other end receives it. Both then key an <see cref="AesPrg"/> with it.
/// Security: in the semi-honest model the dealer follows the protocol, so the seed is uniform; the
/// link must be confidential and authenticated (TLS 1.3 with the deployment's certificates, or
/// in-memory), so that nobody but the pair learns it. Over insecure plain TCP, an eavesdropper
/// learns every derived share; that mode exists only for benchmarks. The seed is wiped from the
/// stack once the PRG is keyed and is never logged.
/// </remarks>
public static class SharedPrg
{
    /// <summary>
    /// Agrees on a seed with the peer of <paramref name="link"/>: <paramref name="self"/> deals if it is
    /// the lower-numbered role. Both ends must call this at the same protocol step.
    /// </summary>
    public static AesPrg Agree(IChannel link, PartyRole self, PartyRole peer)
    {
        if (self == peer)
        {
            throw new ArgumentException($"{self.ToName()} cannot share a seed with itself", nameof(peer));
        }

        return Agree(link, isDealer: self < peer);
    }

    /// <summary>Agrees on a seed: the dealer draws and sends it, the other end receives it.</summary>
    public static AesPrg Agree(IChannel link, bool isDealer)
    {
        Span<byte> seed = stackalloc byte[AesPrg.SeedLength];
        try
        {
            if (isDealer)
            {
                RandomNumberGenerator.Fill(seed);
                link.Send(seed);
            }
            else
            {
                link.Receive(seed);
            }

            return new AesPrg(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Agrees on a seed with every peer in <paramref name="links"/> that is a computing party (the
    /// pairs among server0, server1 and the helper). See <see cref="AgreeWithPeers"/>.
    /// </summary>
    public static IReadOnlyDictionary<PartyRole, AesPrg> AgreeWithComputingParties(PartyLinks links)
    {
        ArgumentNullException.ThrowIfNull(links);
        return links.Self.IsComputingParty()
            ? AgreeWithPeers(links.Self, links.Channels.Where(c => c.Key.IsComputingParty()))
            : new Dictionary<PartyRole, AesPrg>();
    }

    /// <summary>
    /// Agrees on one seed with each of <paramref name="peers"/> (role and link). Dealers send first:
    /// this party deals to every higher-numbered peer, then receives from the lower-numbered ones, so
    /// all sends precede all receives and the whole agreement is one round whatever the order of the
    /// parties. The seed exchange of <c>PartyContext.Establish</c>.
    /// </summary>
    public static IReadOnlyDictionary<PartyRole, AesPrg> AgreeWithPeers(PartyRole self, IEnumerable<KeyValuePair<PartyRole, IChannel>> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var ordered = peers.OrderBy(p => p.Key).ToList();
        var result = new Dictionary<PartyRole, AesPrg>();
        foreach (var (peer, link) in ordered.Where(p => self < p.Key))
        {
            result[peer] = Agree(link, self, peer);
        }

        foreach (var (peer, link) in ordered.Where(p => p.Key < self))
        {
            result[peer] = Agree(link, self, peer);
        }

        return result;
    }
}
