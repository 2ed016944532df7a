using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>parties.json: a good file parses with paths resolved; every kind of mistake names the field.</summary>
public sealed class PartiesConfigTests
{
    private const string Good = """
        {
          // comments and trailing commas are allowed
          "security": "tls",
          "timeoutSeconds": 1.5,
          "ca": "certs/ca.pem",
          "parties": {
            "server0": { "host": "10.0.0.1", "port": 5000, "certificate": "certs/server0.pem", "key": "certs/server0.key" },
            "server1": { "host": "server1.example", "port": 5001, "bind": "0.0.0.0", "certificate": "/abs/server1.pem", "key": "/abs/server1.key" },
            "helper": { "certificate": "certs/helper.pem", "key": "certs/helper.key" },
          }
        }
        """;

    [Fact]
    public void GoodConfigParsesWithPathsRelativeToTheFile()
    {
        var config = PartiesConfig.Parse(Good, "parties.json", "/deploy");
        Assert.Equal(MeshSecurity.Tls13, config.Security);
        Assert.Equal(TimeSpan.FromSeconds(1.5), config.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(1.5), config.ConnectTimeout);
        Assert.Equal("/deploy/certs/ca.pem", config.AuthorityFile);
        Assert.Equal(new PartyEndpoint("10.0.0.1", 5000), config.Parties[PartyRole.Server0].Endpoint);
        Assert.Equal("0.0.0.0", config.Parties[PartyRole.Server1].Endpoint!.Bind);
        Assert.Equal("/abs/server1.pem", config.Parties[PartyRole.Server1].CertificateFile);
        Assert.Equal("/deploy/certs/helper.key", config.Parties[PartyRole.Helper].KeyFile);
        Assert.Null(config.Parties[PartyRole.Helper].Endpoint);
        Assert.False(config.Parties.ContainsKey(PartyRole.Client));
    }

    [Theory]
    [InlineData("""{"parties": {"server0": {"host": "a", "prot": 1}}}""", "parties.json line 1: unknown field 'parties.server0.prot'")]
    [InlineData("""{"timeout": 3, "parties": {}}""", "parties.json line 1: unknown field 'timeout'")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {"host": "a", "port": 70000}}}""", "parties.json: parties.server0.port: 70000 is not a TCP port (1-65535)")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {"host": "a", "port": "5000"}}}""", "parties.json line 1: parties.server0.port: expected an integer")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {"host": "a", "port": 0}}}""", "parties.json: parties.server0.port: 0 is not a TCP port (1-65535)")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {"host": "a"}}}""", "parties.json: parties.server0.port: missing (the host is given)")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {"port": 1}}}""", "parties.json: parties.server0.host: missing (the port is given)")]
    [InlineData("""{"security": "ssl", "parties": {}}""", "parties.json: security: 'ssl' is neither \"tls\" nor \"insecure-plain-tcp\"")]
    [InlineData("""{"parties": {"server0": {}}}""", "parties.json: ca: missing: TLS needs the deployment CA certificate file")]
    [InlineData("""{"ca": "ca.pem"}""", "parties.json: parties: missing: list server0, server1, helper (and client) with their hosts, ports and certificates")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server2": {}}}""", "parties.json: parties.server2: unknown role (the roles are server0, server1, helper and client)")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {}, "server1": {}}}""", "parties.json: parties.server0: needs \"host\" and \"port\": server1 connect to it")]
    [InlineData("""{"ca": "ca.pem", "parties": {"server0": {"host": "a", "port": 1}, "server1": {}, "client": {}}}""", "parties.json: parties.server1: needs \"host\" and \"port\": client connect to it")]
    [InlineData("""{"timeoutSeconds": -1, "ca": "ca.pem", "parties": {}}""", "parties.json: timeoutSeconds: -1 is not a positive number of seconds (at most 2073600)")]
    [InlineData("""{"timeoutSeconds": "30", "parties": {}}""", "parties.json line 1: timeoutSeconds: expected a number")]
    [InlineData("""{"ca": 5, "parties": {}}""", "parties.json line 1: ca: expected a string")]
    [InlineData("""{"parties": {"server0": 3}}""", "parties.json line 1: parties.server0: expected an object")]
    [InlineData("""{"parties": """, "parties.json line 1: not valid JSON")]
    [InlineData("null", "parties.json: the config is empty (null)")]
    public void MistakesNameTheField(string json, string expected)
    {
        var e = Assert.Throws<MpcInputException>(() => PartiesConfig.Parse(json, "parties.json", "/deploy"));
        Assert.StartsWith(expected, e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void MissingConfigFileIsNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mpc-no-such-{Guid.NewGuid():N}", "parties.json");
        var e = Assert.Throws<MpcInputException>(() => PartiesConfig.Load(path));
        Assert.Equal($"the parties config '{path}' does not exist", e.Message);
    }

    [Fact]
    public void MissingCertificateFileIsNamedWithItsField()
    {
        using var folder = new TempFolder();
        CertificateAuthority.CreateDeploymentFiles(folder.Path, ["server0", "server1"]);
        File.Delete(System.IO.Path.Combine(folder.Path, "server1.pem"));
        var config = folder.WriteConfig(5000, "tls");

        Assert.NotNull(PartiesConfig.Load(config).ToMeshSettings(PartyRole.Server0).Credentials);
        var e = Assert.Throws<MpcInputException>(() => PartiesConfig.Load(config).ToMeshSettings(PartyRole.Server1));
        Assert.Equal($"{config}: parties.server1.certificate: the certificate file '{System.IO.Path.Combine(folder.Path, "server1.pem")}' does not exist", e.Message);

        var viaMesh = Assert.Throws<MpcInputException>(() => Mesh.Connect(PartyRole.Server1, config));
        Assert.Equal(e.Message, viaMesh.Message);
    }

    [Fact]
    public void AnotherPartysCertificateIsNamed()
    {
        using var folder = new TempFolder();
        CertificateAuthority.CreateDeploymentFiles(folder.Path, ["server0", "server1"]);
        var config = folder.WriteConfig(5000, "tls", server1Certificate: "server0");
        var e = Assert.Throws<MpcInputException>(() => PartiesConfig.Load(config).ToMeshSettings(PartyRole.Server1));
        Assert.StartsWith(
            $"{config}: parties.server1: cannot load the certificate '{System.IO.Path.Combine(folder.Path, "server0.pem")}' with the key '{System.IO.Path.Combine(folder.Path, "server1.key")}': ",
            e.Message);
    }

    [Fact]
    public void PartiesConnectFromConfigFiles()
    {
        using var folder = new TempFolder();
        CertificateAuthority.CreateDeploymentFiles(folder.Path, ["server0", "server1"]);
        var config = folder.WriteConfig(NetTestSupport.FreePort(), "tls");
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, config),
            () => Mesh.Connect(PartyRole.Server1, config));
        Assert.All(results, r => Assert.Null(r.Error));
        var (s0, s1) = (results[0].Result!, results[1].Result!);
        s1[PartyRole.Server0].Send([1, 2, 3]);
        var got = new byte[3];
        s0[PartyRole.Server1].Receive(got);
        Assert.Equal([1, 2, 3], got);
        Assert.True(((TcpChannel)s0[PartyRole.Server1]).IsEncrypted);

        // The config's timeout (1 s) applies to receives.
        var e = Assert.Throws<ChannelException>(() => s1[PartyRole.Server0].Receive(got));
        Assert.Equal("server0 sent nothing within 1 s", e.Message);
        s0.Dispose();
        s1.Dispose();
    }

    /// <summary>A temporary folder with a two-party config in it.</summary>
    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("mpc-net-").FullName;

        public string WriteConfig(int port, string security, string server1Certificate = "server1")
        {
            var file = System.IO.Path.Combine(Path, "parties.json");
            File.WriteAllText(file, $$"""
                {
                  "security": "{{security}}",
                  "timeoutSeconds": 1,
                  "connectTimeoutSeconds": 20,
                  "ca": "ca.pem",
                  "parties": {
                    "server0": { "host": "127.0.0.1", "port": {{port}}, "certificate": "server0.pem", "key": "server0.key" },
                    "server1": { "certificate": "{{server1Certificate}}.pem", "key": "server1.key" }
                  }
                }
                """);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
