using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Mpc.Runtime.Net;

/// <summary>
/// A deployment's own certificate authority: an ECDSA P-256 key and a self-signed CA certificate
/// that issues one certificate per party (server0, server1, helper, client). Parties trust this CA
/// alone, so whoever holds its key decides who may join: keep <c>ca.key</c> off the party hosts.
/// </summary>
/// <remarks>
/// Party certificates: ECDSA P-256, SAN DNS name and CN = the party name, key usage digital
/// signature, extended key usage TLS server and client (a party both listens and dials), valid
/// from one hour ago (clock skew) for <c>lifetime</c>. docs/DEPLOYMENT.md gives the equivalent
/// openssl commands.
/// </remarks>
public sealed partial class CertificateAuthority : IDisposable
{
    public const string CertificateFileName = "ca.pem";
    public const string KeyFileName = "ca.key";

    private static readonly TimeSpan DefaultCaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan DefaultPartyLifetime = TimeSpan.FromDays(825);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);

    private readonly ECDsa _key;

    private CertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA certificate (public part): what every party trusts.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA with a fresh key.</summary>
    public static CertificateAuthority Create(string commonName = "MpcCompiler deployment CA", TimeSpan? lifetime = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var selfSigned = request.CreateSelfSigned(now - ClockSkew, now + (lifetime ?? DefaultCaLifetime));
        return new CertificateAuthority(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
    }

    /// <summary>Loads a CA from its PEM certificate and PKCS#8 key (to issue more party certificates).</summary>
    public static CertificateAuthority Load(string certificateFile, string keyFile)
    {
        foreach (var file in new[] { certificateFile, keyFile })
        {
            if (!File.Exists(file))
            {
                throw new MpcInputException($"the CA file '{file}' does not exist");
            }
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyFile));
            var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
            return new CertificateAuthority(certificate, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new MpcInputException($"cannot load the CA from '{certificateFile}' and '{keyFile}' (an ECDSA key is needed): {e.Message}", e);
        }
    }

    /// <summary>
    /// Creates a CA and a certificate for each party in memory (tests, and all roles in one process
    /// over loopback TLS). The CA key is discarded: nobody can issue more.
    /// </summary>
    public static IReadOnlyDictionary<string, TlsCredentials> CreateInMemoryDeployment(IEnumerable<string>? partyNames = null)
    {
        using var ca = Create();
        return (partyNames ?? PartyRoleExtensions.All.Select(r => r.ToName())).ToDictionary(n => n, n => ca.Issue(n));
    }

    /// <summary>
    /// Creates a CA and one certificate per party as PEM files in <paramref name="folder"/>:
    /// <c>ca.pem</c>, <c>ca.key</c>, and <c>NAME.pem</c>, <c>NAME.key</c> per party. Key files are owner-only.
    /// Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> CreateDeploymentFiles(string folder, IEnumerable<string>? partyNames = null, bool overwrite = false)
    {
        Directory.CreateDirectory(folder);
        using var ca = Create();
        var written = new List<string>();
        var caPem = Path.Combine(folder, CertificateFileName);
        var caKey = Path.Combine(folder, KeyFileName);
        ca.WriteFiles(caPem, caKey, overwrite);
        written.Add(caPem);
        written.Add(caKey);
        foreach (var name in partyNames ?? PartyRoleExtensions.All.Select(r => r.ToName()))
        {
            using var party = ca.Issue(name);
            var pem = Path.Combine(folder, name + ".pem");
            var key = Path.Combine(folder, name + ".key");
            party.WriteFiles(pem, key, overwrite);
            written.Add(pem);
            written.Add(key);
        }

        return written;
    }

    /// <summary>Issues a certificate for the party <paramref name="partyName"/>, with a fresh key.</summary>
    public TlsCredentials Issue(string partyName, TimeSpan? lifetime = null)
    {
        if (!PartyNamePattern().IsMatch(partyName))
        {
            throw new ArgumentException($"'{partyName}' is not a party name (lower-case letters, digits, '-')", nameof(partyName));
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + partyName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(partyName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + (lifetime ?? DefaultPartyLifetime);
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        // A random positive 127-bit serial number.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var signer = X509SignatureGenerator.CreateForECDsa(_key);
        using var issued = request.Create(Certificate.SubjectName, signer, now - ClockSkew, notAfter, serial);
        return new TlsCredentials(issued.CopyWithPrivateKey(key), X509CertificateLoader.LoadCertificate(Certificate.RawData));
    }

    /// <summary>Writes the CA certificate and its private key as PEM; the key file is owner-only.</summary>
    public void WriteFiles(string certificateFile, string keyFile, bool overwrite = false)
    {
        PemFiles.Write(certificateFile, Certificate.ExportCertificatePem(), secret: false, overwrite);
        PemFiles.Write(keyFile, _key.ExportPkcs8PrivateKeyPem(), secret: true, overwrite);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex PartyNamePattern();
}
