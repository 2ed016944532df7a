using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

public sealed class PreprocessingBufferTests
{
    [Fact]
    public void TheProducerBlocksAtCapacityUntilTheConsumerTakes()
    {
        var buffer = new PreprocessingBuffer(capacityBytes: 100, timeout: TimeSpan.FromSeconds(20));
        var added = 0;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                buffer.Add(new TripleMaterial(new ulong[2], new ulong[2], new ulong[2])); // 48 bytes each
                Interlocked.Increment(ref added);
            }

            buffer.Complete();
        });
        producer.Start();
        SpinWait.SpinUntil(() => Volatile.Read(ref added) == 2, TimeSpan.FromSeconds(10));
        Thread.Sleep(100);
        Assert.Equal(2, Volatile.Read(ref added)); // a third (144 > 100 bytes) waits
        for (var i = 0; i < 5; i++)
        {
            buffer.Take<TripleMaterial>("mul");
        }

        producer.Join();
        Assert.InRange(buffer.PeakBytes, 48, 100);
        var e = Assert.Throws<MpcException>(() => buffer.Take<TripleMaterial>("mul"));
        Assert.Contains("producer has finished", e.Message);
    }

    [Fact]
    public void AnOversizedRecordStillPassesThroughAnEmptyBuffer()
    {
        var buffer = new PreprocessingBuffer(capacityBytes: 8);
        buffer.Add(new TripleMaterial(new ulong[10], new ulong[10], new ulong[10]));
        Assert.Equal(240, buffer.Bytes);
        Assert.Equal(10, buffer.Take<TripleMaterial>("mul").A.Length);
    }

    [Fact]
    public void OutOfStepPhasesAreDetectedWithoutRevealingMaterial()
    {
        var buffer = new PreprocessingBuffer(1 << 20);
        buffer.Add(new TruncationMaterial([12345], [678], [1]));
        var e = Assert.Throws<MpcException>(() => buffer.Take<TripleMaterial>("mul"));
        Assert.Contains("out of step", e.Message);
        Assert.DoesNotContain("12345", e.Message);
    }

    [Fact]
    public void AFailedProducerReleasesTheConsumer()
    {
        var buffer = new PreprocessingBuffer(1 << 20, TimeSpan.FromSeconds(20));
        Exception? seen = null;
        var consumer = new Thread(() =>
        {
            try
            {
                buffer.Take<TripleMaterial>("mul");
            }
            catch (Exception e)
            {
                seen = e;
            }
        });
        consumer.Start();
        Thread.Sleep(50);
        buffer.Fail("the offline phase failed");
        Assert.True(consumer.Join(TimeSpan.FromSeconds(10)));
        Assert.IsType<MpcException>(seen);
        Assert.Contains("the offline phase failed", seen.Message);
    }
}
