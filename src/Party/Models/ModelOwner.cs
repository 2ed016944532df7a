using System.Security.Cryptography;
using Mpc.Compiler;
using Mpc.Compiler.Ir;
using Mpc.Party.Shares;
using Mpc.Runtime;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Mpc.Runtime.Rings;

namespace Mpc.Party.Models;

/// <summary>
/// The model owner: reads and folds the <c>.pb</c> (the same frontend and passes as <c>mpcc</c>),
/// checks that it is the architecture the binary was compiled for, encodes every weight tensor in
/// fixed point and secret-shares it to the two servers (a seed to server0, W - PRG(seed) to
/// server1), in <see cref="ModelDescription.Weights"/> order.
/// </summary>
internal static class ModelOwner
{
    /// <summary>Loads the model at <paramref name="path"/> (<paramref name="displayName"/> is the --model value) and checks its fingerprint.</summary>
    public static Graph LoadGraph(string path, string displayName, ModelDescription model)
    {
        var graph = ModelLoader.Load(path, model.BatchSize);
        if (graph.Fingerprint != model.Fingerprint)
        {
            throw new MpcInputException(
                $"{displayName} is not the architecture this binary was compiled for: its fingerprint is {ShareFileReader.Short(graph.Fingerprint)}, " +
                $"model '{model.Name}' has {ShareFileReader.Short(model.Fingerprint)} (compile this .pb with mpcc, or use the .pb the binary was compiled from)");
        }

        return graph;
    }

    /// <summary>Encodes and shares every weight tensor: one <see cref="ClientSharing.Share"/> per tensor.</summary>
    public static void Share(Graph graph, string displayName, ModelDescription model, IChannel toServer0, IChannel toServer1)
    {
        foreach (var weight in model.Weights)
        {
            var encoded = Encode(graph, displayName, weight);
            ClientSharing.Share(encoded, toServer0, toServer1);
            Array.Clear(encoded);
        }
    }

    /// <summary>
    /// share-model: writes <c>server0.share</c> and <c>server1.share</c> into <paramref name="folder"/>
    /// (owner-only, atomically; existing files are never replaced). Returns the two paths.
    /// </summary>
    public static IReadOnlyList<string> WriteShareFiles(Graph graph, string displayName, ModelDescription model, string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException($"--out: cannot create the folder '{folder}': {e.Message}", e);
        }

        var paths = new[] { PartyRole.Server0, PartyRole.Server1 }.Select(r => Path.Combine(folder, ShareFile.FileName(r))).ToArray();
        foreach (var path in paths.Where(File.Exists))
        {
            throw new MpcInputException($"'{path}' already exists; remove it or choose another --out folder");
        }

        var id = RandomNumberGenerator.GetBytes(ShareFile.ShareSetIdLength);
        using var server0 = ShareFileWriter.ToFile(paths[0], new ShareFileHeader(PartyRole.Server0, id, model.Name, model.Fingerprint));
        using var server1 = ShareFileWriter.ToFile(paths[1], new ShareFileHeader(PartyRole.Server1, id, model.Name, model.Fingerprint));
        Share(graph, displayName, model, server0, server1);
        server0.Commit();
        try
        {
            server1.Commit();
        }
        catch
        {
            // One file without its partner is useless (and confusing): take server0's back.
            File.Delete(paths[0]);
            throw;
        }

        return paths;
    }

    /// <summary>The single-process predict mode: both share files in memory.</summary>
    public static (MemoryStream Server0, MemoryStream Server1) ShareInMemory(Graph graph, string displayName, ModelDescription model)
    {
        var id = RandomNumberGenerator.GetBytes(ShareFile.ShareSetIdLength);
        var streams = (Server0: new MemoryStream(), Server1: new MemoryStream());
        using var server0 = ShareFileWriter.ToStream(streams.Server0, new ShareFileHeader(PartyRole.Server0, id, model.Name, model.Fingerprint));
        using var server1 = ShareFileWriter.ToStream(streams.Server1, new ShareFileHeader(PartyRole.Server1, id, model.Name, model.Fingerprint));
        Share(graph, displayName, model, server0, server1);
        server0.Commit();
        server1.Commit();
        streams.Server0.Position = 0;
        streams.Server1.Position = 0;
        return streams;
    }

    private static ulong[] Encode(Graph graph, string displayName, WeightTensor weight)
    {
        var value = graph.ConstantValue(weight.Node)
            ?? throw new MpcInputException($"{displayName}: the folded model has no constant '{weight.Node}' (weights of layer '{weight.Layer}'), which the compiled model expects");
        if (!value.Shape.Dims.SequenceEqual(weight.Shape))
        {
            throw new MpcInputException($"{displayName}: constant '{weight.Node}' has shape {value.Shape}, the compiled model expects [{string.Join(",", weight.Shape)}]");
        }

        var encoded = new ulong[weight.Length];
        var values = value.Span;
        for (var i = 0; i < encoded.Length; i++)
        {
            try
            {
                encoded[i] = FixedPoint.Encode<ulong>(values[i], weight.FracBits);
            }
            catch (OverflowException e)
            {
                // The message names the tensor and element, never the value (weights are the owner's secret).
                throw new MpcInputException(
                    $"{displayName}: constant '{weight.Node}' (layer '{weight.Layer}') has an element (index {i}) that is not finite or too large for " +
                    $"64-bit fixed point with {weight.FracBits} fractional bits (|w| < 2^{63 - weight.FracBits})", e);
            }
        }

        return encoded;
    }
}
