namespace Mpc.Runtime.Net;

/// <summary>
/// The three computing parties. Server0 and Server1 hold additive shares; the helper (SecureNN's P2,
/// TF Encrypted's crypto producer) supplies correlated randomness and answers comparisons, and never
/// holds a share of data.
/// </summary>
public enum PartyId
{
    Server0 = 0,
    Server1 = 1,
    Helper = 2,
}

public static class PartyIdExtensions
{
    /// <summary>The lower-case name used in configs, flags and error messages.</summary>
    public static string ToName(this PartyId id) => id switch
    {
        PartyId.Server0 => "server0",
        PartyId.Server1 => "server1",
        PartyId.Helper => "helper",
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };

    public static bool IsServer(this PartyId id) => id is PartyId.Server0 or PartyId.Server1;
}
