using System.Net;
using System.Security.Cryptography;
using Mpc.Party.Models;
using Mpc.Party.Tests.Support;
using Mpc.Runtime;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>--model PATH|URL: downloads over a loopback HTTP server, with the size cap and the SHA-256 check.</summary>
public sealed class ModelSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mpc-model-source-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DownloadsAndChecksTheHash()
    {
        var body = RandomNumberGenerator.GetBytes(200_000);
        using var server = new OneFileServer(body);
        var path = ModelSource.Resolve(server.Url, Convert.ToHexString(SHA256.HashData(body)), _dir);
        Assert.Equal(body, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.partial"));
    }

    [Fact]
    public void AWrongHashNamesBothHashes()
    {
        var body = RandomNumberGenerator.GetBytes(1000);
        using var server = new OneFileServer(body);
        var wrong = new string('0', 64);
        var e = Assert.Throws<MpcInputException>(() => ModelSource.Resolve(server.Url, wrong, _dir));
        Assert.Contains($"--sha256 expects {wrong}", e.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(body)), e.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void AFileAboveTheCapIsRefusedAndLeavesNothing()
    {
        using var server = new OneFileServer(new byte[5000]);
        var e = Assert.Throws<MpcInputException>(() => ModelSource.Resolve(server.Url, null, _dir, maxBytes: 4096));
        Assert.Contains("download limit of 4096 bytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void AnUnreachableUrlNamesTheUrl()
    {
        var url = $"http://127.0.0.1:{Deployment.FreePorts(1)[0]}/model.pb";
        var e = Assert.Throws<MpcInputException>(() => ModelSource.Resolve(url, null, _dir, timeout: TimeSpan.FromSeconds(5)));
        Assert.StartsWith($"cannot download model {url}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnHttpErrorNamesTheStatus()
    {
        using var server = new OneFileServer([], HttpStatusCode.NotFound);
        var e = Assert.Throws<MpcInputException>(() => ModelSource.Resolve(server.Url, null, _dir));
        Assert.Contains("HTTP 404", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var e = Assert.Throws<MpcInputException>(() => ModelSource.Resolve("no/such/model.pb", null, _dir));
        Assert.Equal("model file 'no/such/model.pb' does not exist", e.Message);
    }

    [Fact]
    public void AMalformedHashIsAFlagError()
    {
        var file = Path.Combine(_dir, "m.pb");
        File.WriteAllBytes(file, [1, 2, 3]);
        var e = Assert.Throws<MpcInputException>(() => ModelSource.Resolve(file, "abc", _dir));
        Assert.Contains("--sha256 expects 64 hexadecimal digits", e.Message, StringComparison.Ordinal);
    }
}
