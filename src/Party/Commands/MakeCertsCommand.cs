using System.Globalization;
using System.Text;
using System.Text.Json;
using Mpc.Party.CommandLine;
using Mpc.Runtime;
using Mpc.Runtime.Net;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>make-certs --out DIR</c>: a deployment's CA and one certificate and key per party
/// (<see cref="CertificateAuthority.CreateDeploymentFiles"/>), plus a <c>parties.json</c> that uses
/// them, with server0 and server1 at the given addresses.
/// </summary>
internal static class MakeCertsCommand
{
    public const string ConfigFileName = "parties.json";

    public static Verb Verb(CommandContext context) => new(
        "make-certs",
        "Create a deployment's CA, a certificate and key per party, and a parties.json using them.",
        [
            OptionSpec.Text("out", "The folder to write into (created if missing; existing files are never replaced).", required: true),
            OptionSpec.Text("server0", "Where server0 listens, HOST:PORT.", defaultValue: "127.0.0.1:5000"),
            OptionSpec.Text("server1", "Where server1 listens, HOST:PORT.", defaultValue: "127.0.0.1:5001"),
        ],
        arguments => Run(context, arguments));

    private static int Run(CommandContext context, ParsedArguments arguments)
    {
        var folder = arguments.RequiredText("out");
        var server0 = Endpoint(arguments, "server0");
        var server1 = Endpoint(arguments, "server1");
        var config = Path.Combine(folder, ConfigFileName);
        if (File.Exists(config))
        {
            throw new MpcInputException($"'{config}' already exists; remove it or choose another --out folder");
        }

        IReadOnlyList<string> written;
        try
        {
            written = CertificateAuthority.CreateDeploymentFiles(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException($"--out {folder}: {e.Message}", e);
        }

        File.WriteAllText(config, ConfigJson(server0, server1), new UTF8Encoding(false));
        var output = context.Console.Out;
        foreach (var path in written.Append(config))
        {
            output.WriteLine($"wrote {path}{(path.EndsWith(".key", StringComparison.Ordinal) ? " (secret, owner-only)" : "")}");
        }

        output.WriteLine($"Copy ca.pem and {ConfigFileName} to every host and NAME.pem, NAME.key to NAME's host only; keep ca.key offline.");
        return 0;
    }

    /// <summary>A parties config for the four roles, with certificate paths relative to its folder.</summary>
    public static string ConfigJson(PartyEndpoint server0, PartyEndpoint server1)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("security", "tls");
            json.WriteNumber("timeoutSeconds", 60);
            json.WriteNumber("connectTimeoutSeconds", 120);
            json.WriteString("ca", CertificateAuthority.CertificateFileName);
            json.WriteStartObject("parties");
            foreach (var role in PartyRoleExtensions.All)
            {
                json.WriteStartObject(role.ToName());
                var endpoint = role switch { PartyRole.Server0 => server0, PartyRole.Server1 => server1, _ => null };
                if (endpoint is not null)
                {
                    json.WriteString("host", endpoint.Host);
                    json.WriteNumber("port", endpoint.Port);
                }

                json.WriteString("certificate", role.ToName() + ".pem");
                json.WriteString("key", role.ToName() + ".key");
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static PartyEndpoint Endpoint(ParsedArguments arguments, string name)
    {
        var value = arguments.RequiredText(name);
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new MpcInputException($"--{name} expects HOST:PORT with a port from 1 to 65535, got '{value}'");
        }

        return new PartyEndpoint(value[..colon].Trim('[', ']'), port);
    }
}
