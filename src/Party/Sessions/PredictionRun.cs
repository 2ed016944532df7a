using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Mpc.Party.Models;
using Mpc.Party.Output;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Party.Sessions;

/// <summary>
/// One computing party's predictions of a request, in the request's <see cref="Preprocessing"/> mode.
/// Both modes run the model code twice per prediction: an offline instance (its own context and
/// lane of links; the helper deals every operation's randomness into this party's
/// <see cref="PreprocessingBuffer"/>) and an online instance that takes it back in order.
/// </summary>
/// <remarks>
/// <para><b>Ahead</b>: per prediction the whole offline phase, a barrier, then the online phase. The
/// buffer holds one prediction's material (for the full-width VGG16 about 3 GB per server), and the
/// online time is the online phase alone.</para>
/// <para><b>Concurrent</b>: the offline phase of every prediction runs on a thread of its own, at
/// most <c>bufferBytes</c> of material ahead of the online phase on the calling thread (the producer
/// blocks while the buffer is full). Consumed material goes back to the context's recycler, which the
/// producer rents from, so memory stays bounded and its pages are reused rather than faulted in
/// afresh. The helper's dealing (its linear layers' C = lin(A, B) above all) then overlaps the
/// servers' online work. No barrier: the phases' times overlap, and the online time includes any
/// wait for material.</para>
/// </remarks>
internal sealed class PredictionRun(
    LoadedModel loaded, PartyLinks links, PartyContext context, PartyContext offlineContext, SessionChannel? client, ProgressObserver? progress, LayerReport? report, long bufferBytes)
{
    /// <summary>Runs the request's predictions; returns the traffic and time of both phases.</summary>
    public (PhaseTotals Offline, PhaseTotals Online) Predict(RunRequest request, int number)
    {
        var concurrent = request.Preprocessing == Preprocessing.Concurrent;
        var buffer = new PreprocessingBuffer(concurrent ? bufferBytes : long.MaxValue);
        var online = Protocol.Create(request.Protocol, context, ExecutionMode.Online, buffer);
        var offline = Protocol.Create(request.Protocol, offlineContext, ExecutionMode.Offline, buffer);
        var offlineBefore = offlineContext.Stats.Total(Phase.Offline);
        var onlineBefore = context.Stats.Total(Phase.Online);
        var (offlineMs, onlineMs) = concurrent
            ? Concurrently(request, number, buffer, online, offline)
            : Ahead(request, number, buffer, online, offline);
        return (Delta(offlineContext.Stats.Total(Phase.Offline), offlineBefore, offlineMs), Delta(context.Stats.Total(Phase.Online), onlineBefore, onlineMs));
    }

    private (double OfflineMs, double OnlineMs) Ahead(RunRequest request, int number, PreprocessingBuffer buffer, Protocol online, Protocol offline)
    {
        double offlineMs = 0, onlineMs = 0;
        for (var k = 0; k < request.Predictions; k++)
        {
            var started = Stopwatch.GetTimestamp();
            report?.Offline.Start();
            loaded.Predict(offline, null, null, report?.Offline);
            Barrier(links);
            var middle = Stopwatch.GetTimestamp();
            onlineMs += OnlinePrediction(request, number, k, online);
            offlineMs += Stopwatch.GetElapsedTime(started, middle).TotalMilliseconds;
            CheckConsumed(buffer);
        }

        return (offlineMs, onlineMs);
    }

    private (double OfflineMs, double OnlineMs) Concurrently(RunRequest request, int number, PreprocessingBuffer buffer, Protocol online, Protocol offline)
    {
        // The side that fails first is the cause; the other side's error only echoes it.
        Exception? failure = null;
        var firstToFail = 0; // 0 none, 1 the offline phase, 2 the online phase
        double offlineMs = 0;
        var producer = new Thread(() =>
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                for (var k = 0; k < request.Predictions; k++)
                {
                    report?.Offline.Start();
                    loaded.Predict(offline, null, null, report?.Offline);
                }

                offlineMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            catch (Exception e)
            {
                if (Interlocked.CompareExchange(ref firstToFail, 1, 0) == 0)
                {
                    failure = e;
                    buffer.Fail($"the offline phase stopped: {e.Message}");
                }
            }
            finally
            {
                buffer.Complete();
            }
        })
        { IsBackground = true, Name = "mpc offline" };
        producer.Start();

        double onlineMs = 0;
        try
        {
            for (var k = 0; k < request.Predictions; k++)
            {
                onlineMs += OnlinePrediction(request, number, k, online);
            }
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref firstToFail, 2, 0) == 0)
            {
                // Release a producer blocked on a full buffer; this error is the cause.
                buffer.Fail($"the online phase stopped: {e.Message}");
                throw;
            }

            // The offline phase failed first (this is the echo of its error): report its cause.
            producer.Join(TimeSpan.FromSeconds(10));
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }

        producer.Join();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        CheckConsumed(buffer);
        return (offlineMs, onlineMs);
    }

    private double OnlinePrediction(RunRequest request, int number, int k, Protocol online)
    {
        var started = Stopwatch.GetTimestamp();
        progress?.Start(number, k + 1, request.Predictions);
        report?.Online.Start();
        loaded.Predict(online, client, client, BothObservers.Of(progress, report?.Online));
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void CheckConsumed(PreprocessingBuffer buffer)
    {
        if (buffer.Count != 0)
        {
            throw new InvalidOperationException($"the online phase left {buffer.Count} preprocessed records unused (the model's offline and online code differ)");
        }
    }

    /// <summary>
    /// Every computing party finished its offline phase: one byte to each computing peer, then one
    /// from each. Without it the helper, which only sends while dealing, would start its online clock
    /// while the servers still receive, and the offline / online split would be blurred. It is not
    /// protocol traffic (not counted in rounds or bytes); the concurrent mode has none.
    /// </summary>
    private static void Barrier(PartyLinks links)
    {
        Span<byte> token = [1];
        var peers = links.Channels.Where(c => c.Key.IsComputingParty()).Select(c => c.Value).ToList();
        foreach (var peer in peers)
        {
            peer.Send(token);
        }

        foreach (var peer in peers)
        {
            peer.Receive(token);
        }
    }

    private static PhaseTotals Delta(StatsCounters after, StatsCounters before, double ms) =>
        new(after.BytesSent - before.BytesSent, after.BytesReceived - before.BytesReceived, after.Rounds - before.Rounds, ms);
}
