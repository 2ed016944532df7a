using System.Globalization;
using System.Text.Json;

namespace Mpc.Runtime.Net;

/// <summary>One role's entry: where it listens (if it does) and its certificate and key files.</summary>
public sealed record PartyConfig(PartyEndpoint? Endpoint, string? CertificateFile, string? KeyFile);

/// <summary>
/// The parties config (<c>parties.json</c>): for each role its host and port, its certificate and key
/// files, the deployment CA file, the security setting and the timeouts. Every party may use the same
/// file; a party loads only its own key. Relative paths are relative to the file's folder.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "security": "tls",                 // or "insecure-plain-tcp" (benchmarks only)
///   "timeoutSeconds": 30,              // per receive and per send
///   "connectTimeoutSeconds": 60,       // optional; default timeoutSeconds
///   "ca": "certs/ca.pem",
///   "parties": {
///     "server0": { "host": "10.0.0.1", "port": 5000, "certificate": "certs/server0.pem", "key": "certs/server0.key" },
///     "server1": { "host": "10.0.0.2", "port": 5000, "certificate": "certs/server1.pem", "key": "certs/server1.key" },
///     "helper":  { "certificate": "certs/helper.pem", "key": "certs/helper.key" },
///     "client":  { "certificate": "certs/client.pem", "key": "certs/client.key" }
///   }
/// }
/// </code>
/// Roles that others dial (server0, and server1 when the helper or client take part) need host and
/// port; <c>bind</c> optionally sets the local listen address. Errors are <see cref="MpcInputException"/>s
/// naming the file and the field.
/// </remarks>
public sealed class PartiesConfig
{
    private const double MaxSeconds = 24 * 24 * 3600;

    private PartiesConfig(string source, MeshSecurity security, TimeSpan timeout, TimeSpan connectTimeout, string? authorityFile, IReadOnlyDictionary<PartyRole, PartyConfig> parties)
    {
        Source = source;
        Security = security;
        Timeout = timeout;
        ConnectTimeout = connectTimeout;
        AuthorityFile = authorityFile;
        Parties = parties;
    }

    /// <summary>The file (or name) the config came from, used in every error.</summary>
    public string Source { get; }

    public MeshSecurity Security { get; }

    public TimeSpan Timeout { get; }

    public TimeSpan ConnectTimeout { get; }

    /// <summary>The deployment CA certificate file (resolved), or null for insecure plain TCP.</summary>
    public string? AuthorityFile { get; }

    public IReadOnlyDictionary<PartyRole, PartyConfig> Parties { get; }

    /// <summary>Reads and checks a parties config file.</summary>
    public static PartiesConfig Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"the parties config '{path}' does not exist"
                : $"cannot read the parties config '{path}': {e.Message}", e);
        }

        return Parse(json, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>Parses and checks config text; <paramref name="source"/> names it in errors, relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static PartiesConfig Parse(string json, string source, string baseDirectory)
    {
        try
        {
            // Syntax first, so that a broken file is not reported as a wrong value.
            using var syntax = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{source} line {line + 1}" : source;
            throw new MpcInputException($"{where}: not valid JSON ({FirstSentence(e.Message)})", e);
        }

        PartiesFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, PartiesJsonContext.Default.PartiesFile);
        }
        catch (JsonException e)
        {
            throw new MpcInputException(DescribeJsonError(source, e), e);
        }

        if (file is null)
        {
            throw new MpcInputException($"{source}: the config is empty (null)");
        }

        MpcInputException Field(string field, string problem) => new($"{source}: {field}: {problem}");

        var security = file.Security switch
        {
            null or "tls" => MeshSecurity.Tls13,
            "insecure-plain-tcp" => MeshSecurity.InsecurePlainTcp,
            var other => throw Field("security", $"'{other}' is neither \"tls\" nor \"insecure-plain-tcp\""),
        };
        var timeout = Seconds(file.TimeoutSeconds ?? 30, "timeoutSeconds");
        var connectTimeout = file.ConnectTimeoutSeconds is { } c ? Seconds(c, "connectTimeoutSeconds") : timeout;

        string? authority = null;
        if (security == MeshSecurity.Tls13)
        {
            authority = string.IsNullOrWhiteSpace(file.Ca)
                ? throw Field("ca", "missing: TLS needs the deployment CA certificate file")
                : Path.GetFullPath(file.Ca, baseDirectory);
        }

        if (file.Parties is null || file.Parties.Count == 0)
        {
            throw Field("parties", "missing: list server0, server1, helper (and client) with their hosts, ports and certificates");
        }

        var parties = new Dictionary<PartyRole, PartyConfig>();
        foreach (var (name, entry) in file.Parties)
        {
            var role = PartyRoleExtensions.ParseRole(name)
                ?? throw Field($"parties.{name}", "unknown role (the roles are server0, server1, helper and client)");
            if (entry is null)
            {
                throw Field($"parties.{name}", "is null");
            }

            PartyEndpoint? endpoint = null;
            if (entry.Host is not null || entry.Port is not null)
            {
                if (string.IsNullOrWhiteSpace(entry.Host))
                {
                    throw Field($"parties.{name}.host", "missing (the port is given)");
                }

                var port = entry.Port ?? throw Field($"parties.{name}.port", "missing (the host is given)");
                if (port is < 1 or > 65535)
                {
                    throw Field($"parties.{name}.port", $"{port} is not a TCP port (1-65535)");
                }

                endpoint = new PartyEndpoint(entry.Host, port) { Bind = entry.Bind };
            }

            parties[role] = new PartyConfig(
                endpoint,
                entry.Certificate is null ? null : Path.GetFullPath(entry.Certificate, baseDirectory),
                entry.Key is null ? null : Path.GetFullPath(entry.Key, baseDirectory));
        }

        foreach (var role in parties.Keys.Where(r => parties.Keys.Any(p => Mesh.AreLinked(r, p) && Mesh.Dials(p, r))))
        {
            if (parties[role].Endpoint is null)
            {
                var dialers = ChannelErrors.List(parties.Keys.Where(p => Mesh.AreLinked(role, p) && Mesh.Dials(p, role)).Order().Select(p => p.ToName()));
                throw Field($"parties.{role.ToName()}", $"needs \"host\" and \"port\": {dialers} connect to it");
            }
        }

        return new PartiesConfig(source, security, timeout, connectTimeout, authority, parties);

        TimeSpan Seconds(double value, string field) => value is > 0 and <= MaxSeconds && double.IsFinite(value)
            ? TimeSpan.FromSeconds(value)
            : throw Field(field, $"{value.ToString(CultureInfo.InvariantCulture)} is not a positive number of seconds (at most {MaxSeconds})");
    }

    /// <summary>
    /// The settings for running as <paramref name="self"/>: loads this party's certificate, key and the
    /// CA (errors name the file and the field). The caller disposes the credentials.
    /// <paramref name="lanes"/>: connections per pair of computing parties (<see cref="MeshSettings.Lanes"/>;
    /// 2 to preprocess concurrently with the online phase); every party must pass the same.
    /// </summary>
    public MeshSettings ToMeshSettings(PartyRole self, TcpChannelOptions? channel = null, int lanes = 1)
    {
        if (!Parties.TryGetValue(self, out var entry))
        {
            throw new MpcInputException($"{Source}: parties.{self.ToName()}: missing: this party is not in the config");
        }

        TlsCredentials? credentials = null;
        if (Security == MeshSecurity.Tls13)
        {
            var prefix = $"parties.{self.ToName()}";
            var certificate = RequireFile(entry.CertificateFile, prefix + ".certificate", "certificate");
            var key = RequireFile(entry.KeyFile, prefix + ".key", "private key");
            var ca = RequireFile(AuthorityFile, "ca", "CA certificate");
            try
            {
                credentials = TlsCredentials.Load(certificate, key, ca);
            }
            catch (MpcInputException e)
            {
                throw new MpcInputException($"{Source}: {prefix}: {e.Message}", e);
            }

            if (credentials.Name != self.ToName())
            {
                var name = credentials.Name;
                credentials.Dispose();
                throw new MpcInputException($"{Source}: {prefix}.certificate: '{certificate}' is the certificate of '{name}', not of {self.ToName()}");
            }
        }

        return new MeshSettings
        {
            Roles = [.. Parties.Keys.Order()],
            Endpoints = Parties.Where(p => p.Value.Endpoint is not null).ToDictionary(p => p.Key, p => p.Value.Endpoint!),
            Security = Security,
            Credentials = credentials,
            ConnectTimeout = ConnectTimeout,
            Channel = (channel ?? new TcpChannelOptions()) with { Timeout = Timeout },
            Lanes = lanes,
        };
    }

    private string RequireFile(string? path, string field, string what) =>
        path is null ? throw new MpcInputException($"{Source}: {field}: missing: TLS needs this party's {what} file")
        : !File.Exists(path) ? throw new MpcInputException($"{Source}: {field}: the {what} file '{path}' does not exist")
        : path;

    private static string DescribeJsonError(string source, JsonException e)
    {
        var where = e.LineNumber is { } line ? $"{source} line {line + 1}" : source;
        var field = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"{where}: unknown field {(field is null ? "" : $"'{field}' ")}(the fields are security, timeoutSeconds, connectTimeoutSeconds, ca, parties; per party host, port, bind, certificate, key)";
        }

        if (field is null)
        {
            return $"{where}: {FirstSentence(e.Message)}";
        }

        var last = field[(field.LastIndexOf('.') + 1)..];
        var expected = last switch
        {
            "port" => "an integer",
            "timeoutSeconds" or "connectTimeoutSeconds" => "a number",
            "parties" => "an object with one entry per role",
            _ when field.StartsWith("parties.", StringComparison.Ordinal) && !field[8..].Contains('.') => "an object",
            _ => "a string",
        };
        return $"{where}: {field}: expected {expected}";
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..dot];
    }
}
