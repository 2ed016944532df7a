namespace Mpc.Runtime.Net;

/// <summary>How the links of a mesh are protected.</summary>
public enum MeshSecurity
{
    /// <summary>TLS 1.3 with mutual certificate authentication against the deployment CA.</summary>
    Tls13 = 0,

    /// <summary>
    /// INSECURE: plain TCP, no encryption and no authentication; anyone on the network reads the
    /// shares. Only for measuring what TLS costs on a trusted loopback.
    /// </summary>
    InsecurePlainTcp = 1,
}

/// <summary>Where a listening party accepts connections.</summary>
/// <param name="Host">The host name or address the other parties dial.</param>
/// <param name="Port">The TCP port (1-65535).</param>
public sealed record PartyEndpoint(string Host, int Port)
{
    /// <summary>The local address to listen on; null means <see cref="Host"/> when it is an IP address, otherwise all interfaces.</summary>
    public string? Bind { get; init; }

    public override string ToString() => $"{Host}:{Port}";
}

/// <summary>Everything <see cref="Mesh.Connect(PartyRole, MeshSettings, IReadOnlyCollection{PartyRole}?)"/> needs.</summary>
public sealed class MeshSettings
{
    /// <summary>The roles taking part. A party links only to roles listed here.</summary>
    public IReadOnlyCollection<PartyRole> Roles { get; init; } = PartyRoleExtensions.All;

    /// <summary>The addresses of the listening roles (server0 and server1, see <see cref="Mesh"/>).</summary>
    public required IReadOnlyDictionary<PartyRole, PartyEndpoint> Endpoints { get; init; }

    public MeshSecurity Security { get; init; } = MeshSecurity.Tls13;

    /// <summary>This party's certificate and the deployment CA; required for <see cref="MeshSecurity.Tls13"/>.</summary>
    public TlsCredentials? Credentials { get; init; }

    /// <summary>How long to keep dialing and accepting before the mesh gives up, naming the missing peer.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The links' timeout and buffers.</summary>
    public TcpChannelOptions Channel { get; init; } = new();

    /// <summary>
    /// Independent connections per pair of computing parties (server0-server1, server0-helper,
    /// server1-helper), 1 to <see cref="MaxLanes"/>: lane 0 carries the online protocol, lane 1
    /// (<see cref="PartyLinks.OfflineLane"/>) lets the offline phase (preprocessing) run concurrently
    /// on its own frames. Each lane is its own TCP connection with its own TLS handshake and hello
    /// (which names the lane). Links to the client always have one lane. All parties must use the
    /// same number.
    /// </summary>
    public int Lanes { get; init; } = 1;

    /// <summary>The most lanes a mesh opens per pair.</summary>
    public const int MaxLanes = 4;

    /// <summary>The lanes between <paramref name="a"/> and <paramref name="b"/>: <see cref="Lanes"/> between computing parties, 1 with the client.</summary>
    public int LanesBetween(PartyRole a, PartyRole b) => a.IsComputingParty() && b.IsComputingParty() ? Lanes : 1;

    internal void Validate()
    {
        Channel.Validate();
        if (Lanes is < 1 or > MaxLanes)
        {
            throw new MpcInputException($"a mesh has 1 to {MaxLanes} lanes per pair, not {Lanes}");
        }
    }
}
