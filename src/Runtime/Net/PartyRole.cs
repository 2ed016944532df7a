namespace Mpc.Runtime.Net;

/// <summary>
/// A role in a deployment: the three computing parties and the client (the input provider and
/// output receiver). The numbers order the roles for the mesh's listen/dial rule and the pairwise
/// seed rule: the lower number listens, and draws a pair's seed.
/// </summary>
public enum PartyRole
{
    Server0 = 0,
    Server1 = 1,
    Helper = 2,
    Client = 3,
}

public static class PartyRoleExtensions
{
    /// <summary>Every role, in order.</summary>
    public static IReadOnlyList<PartyRole> All { get; } = [PartyRole.Server0, PartyRole.Server1, PartyRole.Helper, PartyRole.Client];

    /// <summary>The lower-case name used in configs, certificates and error messages.</summary>
    public static string ToName(this PartyRole role) => role switch
    {
        PartyRole.Server0 => "server0",
        PartyRole.Server1 => "server1",
        PartyRole.Helper => "helper",
        PartyRole.Client => "client",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>The role named <paramref name="name"/> (exact, lower case), or null.</summary>
    public static PartyRole? ParseRole(string? name) => name switch
    {
        "server0" => PartyRole.Server0,
        "server1" => PartyRole.Server1,
        "helper" => PartyRole.Helper,
        "client" => PartyRole.Client,
        _ => null,
    };

    /// <summary>The computing party's role.</summary>
    public static PartyRole ToRole(this PartyId id) => (PartyRole)(int)id;

    /// <summary>True for server0, server1 and the helper.</summary>
    public static bool IsComputingParty(this PartyRole role) => role is PartyRole.Server0 or PartyRole.Server1 or PartyRole.Helper;
}
