namespace Mpc.Runtime.Net;

/// <summary>A point in time on the monotonic clock, for the mesh's connect timeout.</summary>
internal readonly struct Deadline(TimeSpan fromNow)
{
    private readonly long _end = Environment.TickCount64 + (long)Math.Ceiling(fromNow.TotalMilliseconds);

    public TimeSpan Remaining => TimeSpan.FromMilliseconds(Math.Max(0, _end - Environment.TickCount64));

    public bool Expired => Environment.TickCount64 >= _end;
}
