using Mpc.Compiler;
using Mpc.Party.Models;
using Mpc.Party.Shares;
using Mpc.Party.Tests.Support;
using Mpc.Runtime;
using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;
using Mpc.Runtime.Rings;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>share-model and share files: what each server's file holds, and every way a file can be wrong.</summary>
public sealed class ShareModelTests : IDisposable
{
    private static readonly ModelDescription Max = InProcess.MaxModel.Description;

    private readonly TestFolder _folder = new();
    private readonly string _model;

    public ShareModelTests() => _model = ExampleGraph.Save(_folder.Path, averagePool: false);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TheTwoFilesReconstructTheEncodedWeightsAndEachHoldsOnlyItsServersShare()
    {
        var result = InProcess.Run(InProcess.MaxModel, "share-model", "--model", _model, "--out", _folder["shares"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Copy each file to its server only", result.Out, StringComparison.Ordinal);

        using var server0 = ShareFileReader.Open(_folder["shares/server0.share"], PartyRole.Server0, Max);
        using var server1 = ShareFileReader.Open(_folder["shares/server1.share"], PartyRole.Server1, Max);
        Assert.Equal(server0.Header.ShareSetId, server1.Header.ShareSetId);
        var graph = ModelLoader.Load(_model, 1);
        foreach (var weight in Max.Weights)
        {
            // Server0 holds a 16-byte seed per tensor and nothing else; server1 holds W - PRG(seed).
            var seed = new byte[AesPrg.SeedLength];
            server0.Receive(seed);
            var share0 = new ulong[weight.Length];
            new AesPrg(seed).Fill<ulong>(share0);
            var share1 = new ulong[weight.Length];
            server1.Receive<ulong>(share1);
            var expected = graph.ConstantValue(weight.Node)!.ToArray().Select(v => FixedPoint.Encode<ulong>(v, weight.FracBits));
            Assert.Equal(expected, share0.Zip(share1, (a, b) => a + b));
            Assert.NotEqual(expected, share1);
        }

        server0.EnsureFinished();
        server1.EnsureFinished();
        var header = ShareFile.EncodeHeader(server0.Header).Length;
        Assert.Equal(header + (Max.Weights.Length * (4 + 16)) + 8 + 32, new FileInfo(_folder["shares/server0.share"]).Length);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in new[] { "server0.share", "server1.share" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder[$"shares/{file}"]));
            }
        }
    }

    [Fact]
    public void ExistingShareFilesAreNeverReplaced()
    {
        Assert.Equal(0, InProcess.Run(InProcess.MaxModel, "share-model", "--model", _model, "--out", _folder.Path).ExitCode);
        var before = File.ReadAllBytes(_folder["server1.share"]);
        var again = InProcess.Run(InProcess.MaxModel, "share-model", "--model", _model, "--out", _folder.Path);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"'{_folder["server0.share"]}' already exists; remove it or choose another --out folder", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_folder["server1.share"]));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public void AModelOfAnotherArchitectureWritesNothing()
    {
        var other = ExampleGraph.Save(_folder.Path, averagePool: true);
        var result = InProcess.Run(InProcess.MaxModel, "share-model", "--model", other, "--out", _folder["shares"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not the architecture this binary was compiled for", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder["shares"]) && Directory.EnumerateFileSystemEntries(_folder["shares"]).Any());
    }

    [Fact]
    public void AWeightTooLargeForFixedPointNamesTheTensorButNotTheValue()
    {
        var huge = ExampleGraph.Save(_folder.Path, averagePool: false, name: "huge.pb", filter5: 7.5e15f);
        var result = InProcess.Run(InProcess.MaxModel, "share-model", "--model", huge, "--out", _folder["shares"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"partyhost share-model: {huge}: constant 'conv0/kernel' (layer 'conv0') has an element (index 5) that is not finite or too large for 64-bit fixed point with 12 fractional bits (|w| < 2^51)",
            result.Error.Trim());
        Assert.DoesNotContain("7.5", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder["shares"]));
    }

    [Fact]
    public void AShareFileOfTheOtherServerIsRefused()
    {
        WriteShares();
        var e = Assert.Throws<MpcInputException>(() => ShareFileReader.Open(_folder["server1.share"], PartyRole.Server0, Max));
        Assert.Equal($"'{_folder["server1.share"]}' is server1's share of the model, but this party is server0 (--role)", e.Message);
    }

    [Fact]
    public void AShareFileOfAnotherModelIsRefused()
    {
        WriteShares();
        var e = Assert.Throws<MpcInputException>(() => ShareFileReader.Open(_folder["server0.share"], PartyRole.Server0, InProcess.AverageModel.Description));
        Assert.Contains("holds shares of model 'example-max' (fingerprint 2cd513e71e86e8b3...), but this program is compiled for 'example-avg' (fingerprint 24e8fa52e43f32ba...)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedOrCorruptedFileIsRefusedBeforeAnythingConnects()
    {
        WriteShares();
        var path = _folder["server1.share"];
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..^40]);
        Assert.Contains("is truncated", Assert.Throws<MpcInputException>(() => ShareFileReader.Open(path, PartyRole.Server1, Max)).Message, StringComparison.Ordinal);

        var flipped = (byte[])bytes.Clone();
        flipped[200] ^= 1;
        File.WriteAllBytes(path, flipped);
        Assert.Contains("is corrupt (its SHA-256 checksum does not match", Assert.Throws<MpcInputException>(() => ShareFileReader.Open(path, PartyRole.Server1, Max)).Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Contains("is corrupt", Assert.Throws<MpcInputException>(() => ShareFileReader.Open(path, PartyRole.Server1, Max)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "hello");
        Assert.Contains("is not a share file", Assert.Throws<MpcInputException>(() => ShareFileReader.Open(path, PartyRole.Server1, Max)).Message, StringComparison.Ordinal);

        Assert.Equal($"the share file '{_folder["none.share"]}' does not exist", Assert.Throws<MpcInputException>(() => ShareFileReader.Open(_folder["none.share"], PartyRole.Server1, Max)).Message);
    }

    [Fact]
    public void FramesOfTheWrongSizeOrCountAreCaughtWhileLoading()
    {
        WriteShares();
        using var reader = ShareFileReader.Open(_folder["server1.share"], PartyRole.Server1, Max);
        var e = Assert.Throws<MpcInputException>(() => reader.Receive(new byte[8]));
        Assert.Contains("tensor 1 holds 576 bytes where the model expects 8", e.Message, StringComparison.Ordinal);

        using var partial = ShareFileReader.Open(_folder["server0.share"], PartyRole.Server0, Max);
        partial.Receive(new byte[16]);
        Assert.Contains("holds 4 tensors, but the model read 1", Assert.Throws<MpcInputException>(partial.EnsureFinished).Message, StringComparison.Ordinal);
    }

    private void WriteShares() =>
        ModelOwner.WriteShareFiles(ModelLoader.Load(_model, 1), _model, Max, _folder.Path);
}
