using System.Globalization;

namespace Mpc.Runtime.Net;

/// <summary>The wording of link errors, shared by every channel so that messages read the same.</summary>
internal static class ChannelErrors
{
    /// <summary>"30 s", "1.5 s", "0.25 s".</summary>
    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s";

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count <= 1 ? string.Concat(all) : string.Join(", ", all[..^1]) + " and " + all[^1];
    }

    public static ChannelException LengthMismatch(string peer, long actual, int expected) =>
        new(peer, $"{peer} sent a frame of {actual} bytes where {expected} were expected (the parties disagree on the protocol step)");

    public static ChannelException Silent(string peer, TimeSpan timeout) =>
        new(peer, $"{peer} sent nothing within {Seconds(timeout)}");

    public static ChannelException Closed(string peer, Exception? inner = null, string? detail = null) =>
        new(peer, detail is null ? $"{peer} closed the link" : $"{peer} closed the link ({detail})", inner);
}
