using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mpc.Runtime.Net;

/// <summary>
/// What one party needs for mutually authenticated TLS: its own certificate with the private key,
/// and the deployment CA's certificate, which every party trusts and nothing else.
/// </summary>
/// <remarks>
/// Security argument: a peer is accepted only if its certificate chains to the deployment CA (the
/// system's trust store plays no part) and names the party expected on that link (a SAN DNS name,
/// or the CN when the certificate has no SAN). TLS 1.3 proves that the peer holds the certificate's
/// private key, so a link labelled "helper" is a link to whoever holds helper's key. The private
/// key never leaves this object except through <see cref="WriteFiles"/>, which creates the key
/// file readable by its owner only.
/// </remarks>
public sealed class TlsCredentials : IDisposable
{
    private SslStreamCertificateContext? _context;

    public TlsCredentials(X509Certificate2 certificate, X509Certificate2 authority)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the party certificate needs its private key", nameof(certificate));
        }

        // Windows' TLS stack cannot use ephemeral (in-memory) keys; a PKCS#12 round trip persists it.
        Certificate = OperatingSystem.IsWindows()
            ? X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null)
            : certificate;
        Authority = authority;
        Name = NamesOf(Certificate).FirstOrDefault() ?? "";
    }

    /// <summary>This party's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The deployment CA's certificate (public part).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The party name the certificate asserts (first SAN DNS name, else the CN).</summary>
    public string Name { get; }

    internal SslStreamCertificateContext Context =>
        _context ??= SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true);

    /// <summary>
    /// Loads PEM files: the party's certificate, its private key (PKCS#8, SEC1 or PKCS#1) and the
    /// deployment CA's certificate. Errors name the file.
    /// </summary>
    public static TlsCredentials Load(string certificateFile, string keyFile, string authorityFile)
    {
        RequireFile(certificateFile, "certificate");
        RequireFile(keyFile, "private key");
        RequireFile(authorityFile, "CA certificate");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new MpcInputException($"cannot load the certificate '{certificateFile}' with the key '{keyFile}': {e.Message}", e);
        }

        X509Certificate2 authority;
        try
        {
            authority = X509Certificate2.CreateFromPem(File.ReadAllText(authorityFile));
        }
        catch (CryptographicException e)
        {
            certificate.Dispose();
            throw new MpcInputException($"cannot load the CA certificate '{authorityFile}': {e.Message}", e);
        }

        return new TlsCredentials(certificate, authority);
    }

    /// <summary>Writes the certificate and the private key as PEM; the key file is created owner-only (0600).</summary>
    public void WriteFiles(string certificateFile, string keyFile, bool overwrite = false)
    {
        using var key = (AsymmetricAlgorithm?)Certificate.GetECDsaPrivateKey() ?? Certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("the certificate's key is neither ECDSA nor RSA");
        PemFiles.Write(certificateFile, Certificate.ExportCertificatePem(), secret: false, overwrite);
        PemFiles.Write(keyFile, key.ExportPkcs8PrivateKeyPem(), secret: true, overwrite);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }

    /// <summary>
    /// Checks a certificate presented by a peer: it must chain to <see cref="Authority"/> and name one
    /// of <paramref name="acceptedNames"/>. Returns null and the matched name, or the reason it was refused.
    /// </summary>
    internal string? CheckPeer(X509Certificate? presented, IReadOnlyCollection<string> acceptedNames, out string? matchedName)
    {
        matchedName = null;
        if (presented is null)
        {
            return "it presented no certificate";
        }

        using var owned = presented as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()) : null;
        var certificate = owned ?? (X509Certificate2)presented;
        var names = NamesOf(certificate);
        var shown = names.Count == 0 ? certificate.Subject : string.Join(", ", names);
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            if (!chain.Build(certificate))
            {
                var flags = chain.ChainStatus.Select(s => s.Status).Distinct().ToList();
                return flags.All(f => f is X509ChainStatusFlags.NotTimeValid)
                    ? $"its certificate for '{shown}' has expired or is not valid yet (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})"
                    : $"its certificate for '{shown}' is not issued by this deployment's CA ({string.Join(", ", flags)})";
            }
        }

        matchedName = names.FirstOrDefault(acceptedNames.Contains);
        return matchedName is null
            ? $"its certificate is for '{shown}', not {string.Join(" or ", acceptedNames.Select(n => $"'{n}'"))}"
            : null;
    }

    /// <summary>The names a certificate asserts: its SAN DNS names, or its CN when it has no SAN.</summary>
    internal static IReadOnlyList<string> NamesOf(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == "2.5.29.17")
            {
                return [.. new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical).EnumerateDnsNames()];
            }
        }

        var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.IsNullOrEmpty(cn) ? [] : [cn];
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new MpcInputException($"the {what} file '{path}' does not exist");
        }
    }
}
