using System.Text.Json.Serialization;

namespace Mpc.Runtime.Net;

/// <summary>The parties config file as written: every field optional here, checked by <see cref="PartiesConfig"/>.</summary>
internal sealed class PartiesFile
{
    public string? Security { get; set; }

    public double? TimeoutSeconds { get; set; }

    public double? ConnectTimeoutSeconds { get; set; }

    public string? Ca { get; set; }

    public Dictionary<string, PartyEntry?>? Parties { get; set; }
}

/// <summary>One role's entry in the parties config.</summary>
internal sealed class PartyEntry
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? Bind { get; set; }

    public string? Certificate { get; set; }

    public string? Key { get; set; }
}

/// <summary>Source-generated (reflection-free, AOT-safe) reader; unknown fields are errors, so typos are caught.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(PartiesFile))]
internal sealed partial class PartiesJsonContext : JsonSerializerContext;
