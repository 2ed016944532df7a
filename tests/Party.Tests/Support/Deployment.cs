using System.Net;
using System.Net.Sockets;
using Mpc.Party.Commands;
using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Party.Tests.Support;

/// <summary>
/// A loopback deployment folder: certificates and parties.json (make-certs' own output) with
/// free ports for server0 and server1.
/// </summary>
internal static class Deployment
{
    /// <summary>Writes the CA, the four certificates and parties.json into <paramref name="folder"/>; returns the config path.</summary>
    public static string Create(string folder, double timeoutSeconds = 20)
    {
        CertificateAuthority.CreateDeploymentFiles(folder);
        var ports = FreePorts(2);
        var json = MakeCertsCommand.ConfigJson(new PartyEndpoint("127.0.0.1", ports[0]), new PartyEndpoint("127.0.0.1", ports[1]))
            .Replace("\"timeoutSeconds\": 60", $"\"timeoutSeconds\": {timeoutSeconds}", StringComparison.Ordinal)
            .Replace("\"connectTimeoutSeconds\": 120", "\"connectTimeoutSeconds\": 60", StringComparison.Ordinal);
        var path = Path.Combine(folder, MakeCertsCommand.ConfigFileName);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>
    /// A deployment folder (<see cref="Create"/>), the example .pb, its share files in shares/
    /// (share-model's own output) and an input file of <paramref name="images"/> images.
    /// </summary>
    public static (string Config, string Model, string Input) Prepare(TestFolder folder, bool averagePool, int images, double timeoutSeconds = 20)
    {
        var config = Create(folder.Path, timeoutSeconds);
        var model = ExampleGraph.Save(folder.Path, averagePool);
        var share = InProcess.Run(averagePool ? InProcess.AverageModel : InProcess.MaxModel, "share-model", "--model", model, "--out", folder["shares"]);
        Assert.True(share.ExitCode == 0, share.ToString());
        return (config, model, ExampleGraph.SaveInput(folder.Path, images));
    }

    /// <summary>Ports nothing listens on now (all held open at once, so they differ).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
