using System.Reflection;
using Mpc.Compiler.Ir;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Mpc.Runtime.Rings;

namespace Mpc.Compiler.Tests.Emit;

/// <summary>
/// Compiles emitted code with Roslyn and runs it with all roles in one process over in-memory
/// channels: the test thread is model owner, input provider and output receiver.
/// </summary>
internal static class SecureRunner
{
    /// <summary>The generated model class, built in memory exactly as <c>mpcc run --protocol</c> builds it.</summary>
    public static Mpc.Party.Models.CompiledModel Load(CompilationResult result) => Mpc.Compiler.Cli.Secure.InMemoryModel.Build(result);

    /// <summary>One model load, then one prediction per input; returns the decoded revealed outputs.</summary>
    public static double[][] Run(Mpc.Party.Models.CompiledModel model, Graph graph, string protocol, IReadOnlyList<Tensor> inputs)
    {
        var d = model.Description;
        var (owner0, ownerAt0) = InMemoryChannel.CreatePair("owner", "server0");
        var (owner1, ownerAt1) = InMemoryChannel.CreatePair("owner", "server1");
        var (client0, clientAt0) = InMemoryChannel.CreatePair("client", "server0");
        var (client1, clientAt1) = InMemoryChannel.CreatePair("client", "server1");
        IChannel?[] ownerAt = [ownerAt0, ownerAt1, null];
        IChannel?[] clientAt = [clientAt0, clientAt1, null];

        foreach (var w in d.Weights)
        {
            var values = graph.ConstantValue(w.Node)!.Span;
            var encoded = new ulong[values.Length];
            FixedPoint.Encode(values, w.FracBits, encoded.AsSpan());
            ClientSharing.Share(encoded, owner0, owner1);
        }

        foreach (var x in inputs)
        {
            var encoded = new ulong[x.Length];
            FixedPoint.Encode(x.Span, d.InputFracBits, encoded.AsSpan());
            ClientSharing.Share(encoded, client0, client1);
        }

        var (contexts, _) = InMemoryParties.Connect(timeout: TimeSpan.FromSeconds(120));
        var errors = new Exception?[3];
        var threads = contexts.Select((context, i) => new Thread(() =>
        {
            try
            {
                var p = Protocol.Create(protocol, context);
                var loaded = model.Load(p, ownerAt[i]);
                foreach (var _ in inputs)
                {
                    loaded.Predict(p, clientAt[i], clientAt[i]);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                errors[i] = e;
                context.Dispose();
            }
        })
        { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new TargetInvocationException($"a party failed: {error.Message}", error);
        }

        var outputs = new double[inputs.Count][];
        for (var k = 0; k < inputs.Count; k++)
        {
            var result = new ulong[d.OutputLength];
            ClientSharing.Reconstruct(client0, client1, result);
            outputs[k] = [.. result.Select(v => FixedPoint.Decode(v, d.OutputFracBits))];
        }

        return outputs;
    }
}
