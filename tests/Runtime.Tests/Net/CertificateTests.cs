using System.Security.Cryptography.X509Certificates;
using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>The deployment CA: files written with owner-only keys, certificates that load back and name their party.</summary>
public sealed class CertificateTests
{
    [Fact]
    public void DeploymentFilesLoadBackAndKeysAreOwnerOnly()
    {
        var folder = Directory.CreateTempSubdirectory("mpc-certs-").FullName;
        try
        {
            var written = CertificateAuthority.CreateDeploymentFiles(folder);
            Assert.Equal(10, written.Count);
            foreach (var key in written.Where(f => f.EndsWith(".key", StringComparison.Ordinal)))
            {
                Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(key));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
                }
            }

            foreach (var role in PartyRoleExtensions.All)
            {
                var name = role.ToName();
                using var credentials = TlsCredentials.Load(Path.Combine(folder, name + ".pem"), Path.Combine(folder, name + ".key"), Path.Combine(folder, "ca.pem"));
                Assert.Equal(name, credentials.Name);
                Assert.True(credentials.Certificate.HasPrivateKey);
                Assert.Equal(credentials.Authority.Subject, credentials.Certificate.Issuer);
            }

            // The CA can be loaded again to issue another certificate under the same root.
            using var ca = CertificateAuthority.Load(Path.Combine(folder, "ca.pem"), Path.Combine(folder, "ca.key"));
            using var extra = ca.Issue("server1");
            using var issuedBefore = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, "server1.pem")));
            Assert.Equal(issuedBefore.Issuer, extra.Certificate.Issuer);

            var again = Assert.Throws<MpcInputException>(() => CertificateAuthority.CreateDeploymentFiles(folder));
            Assert.Equal($"'{Path.Combine(folder, "ca.pem")}' already exists; remove it or choose another folder", again.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"mpc-missing-{Guid.NewGuid():N}.pem");
        var e = Assert.Throws<MpcInputException>(() => TlsCredentials.Load(missing, missing, missing));
        Assert.Equal($"the certificate file '{missing}' does not exist", e.Message);
        var ca = Assert.Throws<MpcInputException>(() => CertificateAuthority.Load(missing, missing));
        Assert.Equal($"the CA file '{missing}' does not exist", ca.Message);
    }

    [Fact]
    public void PartyCertificatesNameThePartyForTlsClientsAndServers()
    {
        using var ca = CertificateAuthority.Create();
        using var helper = ca.Issue("helper");
        Assert.Equal("CN=helper", helper.Certificate.Subject);
        var usages = helper.Certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Throws<ArgumentException>(() => ca.Issue("Server 0"));
    }
}
