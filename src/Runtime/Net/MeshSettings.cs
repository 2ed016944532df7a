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
}
