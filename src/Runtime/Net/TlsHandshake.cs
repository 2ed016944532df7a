using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mpc.Runtime.Net;

/// <summary>
/// TLS 1.3 handshakes with mutual authentication. Both sides present their party certificate; each
/// accepts the other only through <see cref="TlsCredentials.CheckPeer"/> (chain to the deployment CA,
/// expected party name), never through the system trust store.
/// </summary>
/// <remarks>
/// On Linux the cipher suites are limited to AES-GCM and ChaCha20 with AES-128-GCM first: it is the
/// fastest on AES-NI hardware (10 rounds instead of 14) and 128-bit security matches the rest of
/// the system (AES-128 PRG, P-256 keys). Other platforms keep their TLS 1.3 defaults.
/// </remarks>
internal static class TlsHandshake
{
    private static readonly CipherSuitesPolicy? Suites = OperatingSystem.IsLinux()
        ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256])
        : null;

    /// <summary>Authenticates to <paramref name="peer"/>, which must present a certificate naming it.</summary>
    public static SslStream AsClient(Stream transport, string peer, string where, TlsCredentials credentials)
    {
        string? refusal = null;
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = peer,
            ClientCertificateContext = credentials.Context,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                refusal = credentials.CheckPeer(certificate, [peer], out _);
                return refusal is null;
            },
        };
        if (OperatingSystem.IsLinux())
        {
            options.CipherSuitesPolicy = Suites;
        }

        try
        {
            tls.AuthenticateAsClient(options);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            tls.Dispose();
            throw new ChannelException(peer, refusal is not null
                ? $"refused the link to {where}: {refusal}"
                : $"the TLS handshake with {where} failed: {e.Message} (is it an MpcCompiler party using TLS?)", e);
        }
    }

    /// <summary>
    /// Authenticates as the server; the client must present a certificate naming one of
    /// <paramref name="expected"/>. Returns the stream and the certified role, or null and the refusal.
    /// </summary>
    public static (SslStream? Tls, PartyRole? Certified, string? Refusal) AsServer(Stream transport, IReadOnlyCollection<PartyRole> expected, TlsCredentials credentials)
    {
        string? refusal = null;
        string? matched = null;
        var names = expected.Select(r => r.ToName()).ToArray();
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = credentials.Context,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                refusal = credentials.CheckPeer(certificate, names, out matched);
                return refusal is null;
            },
        };
        if (OperatingSystem.IsLinux())
        {
            options.CipherSuitesPolicy = Suites;
        }

        try
        {
            tls.AuthenticateAsServer(options);
            return (tls, PartyRoleExtensions.ParseRole(matched), null);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            tls.Dispose();
            return (null, null, refusal ?? $"the TLS handshake failed: {e.Message}");
        }
    }
}
