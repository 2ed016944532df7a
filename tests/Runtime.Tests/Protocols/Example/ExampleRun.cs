using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Mpc.Runtime.Rings;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>
/// Deploys <see cref="ExampleModel"/> with all six roles in one process: the test thread is the
/// model owner, input provider and output receiver; server0, server1 and the helper run on their
/// own threads (and, when preprocessing, one more thread each for the offline phase).
/// </summary>
internal static class ExampleRun
{
    public sealed record Result(double[][] Logits, ProtocolStats[] Online, ProtocolStats[]? Offline, long[] PeakBufferBytes);

    /// <summary>
    /// Runs one model load and <paramref name="inputs"/>.Length predictions. <paramref name="bufferBytes"/>
    /// null means inline dealing; otherwise an offline thread per party preprocesses every prediction
    /// (none with <paramref name="skipOffline"/>) into a buffer of that capacity, concurrently with the
    /// online phase or, without <paramref name="concurrent"/>, entirely before it.
    /// </summary>
    /// <remarks>
    /// <paramref name="connect"/> connects the three computing parties (default: in memory, with an
    /// offline lane when preprocessing); e.g. a loopback TLS mesh with two lanes.
    /// </remarks>
    public static Result Run(
        string protocol,
        PlainExample model,
        bool averagePool,
        double[][] inputs,
        long? bufferBytes = null,
        bool concurrent = true,
        bool skipOffline = false,
        Func<bool, (PartyContext[] Online, PartyContext[]? Offline)>? connect = null)
    {
        var owner = ClientLinks("owner");
        var provider = ClientLinks("input");
        var receiver = ClientLinks("output");

        // The model owner and the input provider send ahead: in-memory sends never block.
        foreach (var tensor in model.Encoded(averagePool))
        {
            ClientSharing.Share(tensor, owner.ToServer[0], owner.ToServer[1]);
        }

        foreach (var input in inputs)
        {
            var encoded = input.Select(v => FixedPoint.Encode<ulong>(v, ExampleModel.FracBits)).ToArray();
            ClientSharing.Share(encoded, provider.ToServer[0], provider.ToServer[1]);
        }

        var preprocess = bufferBytes is not null;
        var (online, offline) = connect is null
            ? InMemoryParties.Connect(withOffline: preprocess, timeout: TimeSpan.FromSeconds(60))
            : connect(preprocess);
        var buffers = new PreprocessingBuffer?[3];
        var offlineStats = preprocess ? new ProtocolStats[3] : null;
        ThreeParties.RunOn(online, context =>
        {
            var i = (int)context.Role;
            var server = context.IsServer;
            if (!preprocess)
            {
                var p = Protocol.Create(protocol, context);
                var m = new ExampleModel(p, server ? owner.AtServer[i] : null, averagePool);
                foreach (var _ in inputs)
                {
                    m.Predict(p, server ? provider.AtServer[i] : null, server ? receiver.AtServer[i] : null);
                }

                return 0;
            }

            var buffer = buffers[i] = new PreprocessingBuffer(bufferBytes!.Value);
            var onlineProtocol = Protocol.Create(protocol, context, ExecutionMode.Online, buffer);
            var model = new ExampleModel(onlineProtocol, server ? owner.AtServer[i] : null, averagePool);
            var offlineProtocol = Protocol.Create(protocol, offline![i], ExecutionMode.Offline, buffer);
            Exception? offlineError = null;
            void Preprocess()
            {
                try
                {
                    for (var k = 0; k < (skipOffline ? 0 : inputs.Length); k++)
                    {
                        model.Predict(offlineProtocol, null, null);
                    }
                }
                catch (Exception e)
                {
                    offlineError = e;
                    buffer.Fail("the offline phase failed");
                    offline[i].Dispose();
                }
                finally
                {
                    buffer.Complete();
                }
            }

            var thread = new Thread(Preprocess) { IsBackground = true, Name = $"{context.Role.ToName()} offline" };
            thread.Start();
            if (!concurrent)
            {
                thread.Join();
            }

            try
            {
                foreach (var _ in inputs)
                {
                    model.Predict(onlineProtocol, server ? provider.AtServer[i] : null, server ? receiver.AtServer[i] : null);
                }
            }
            catch
            {
                buffer.Fail("the online phase failed");
                throw;
            }
            finally
            {
                thread.Join();
            }

            if (offlineError is not null)
            {
                throw new MpcException("offline phase failed", offlineError);
            }

            offlineStats![i] = offline[i].Stats;
            return 0;
        });

        var logits = new double[inputs.Length][];
        for (var k = 0; k < inputs.Length; k++)
        {
            var result = new ulong[ExampleModel.OutputLength];
            ClientSharing.Reconstruct(receiver.ToServer[0], receiver.ToServer[1], result);
            logits[k] = [.. result.Select(v => FixedPoint.Decode(v, ExampleModel.FracBits))];
        }

        return new Result(logits, [.. online.Select(c => c.Stats)], offlineStats, [.. buffers.Select(b => b?.PeakBytes ?? 0)]);
    }

    private static (InMemoryChannel[] ToServer, InMemoryChannel[] AtServer) ClientLinks(string client)
    {
        var (c0, s0) = InMemoryChannel.CreatePair(client, "server0");
        var (c1, s1) = InMemoryChannel.CreatePair(client, "server1");
        return ([c0, c1], [s0, s1]);
    }
}
