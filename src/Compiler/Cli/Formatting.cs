using System.Globalization;

namespace Mpc.Compiler.Cli;

/// <summary>Invariant, deterministic number formats for the CLI's tables.</summary>
internal static class Formatting
{
    /// <summary>12147540000 -> "12.15 G", 10780000 -> "10.78 M", 1234 -> "1.23 K", 12 -> "12".</summary>
    public static string Units(long value) => value switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e9:F2} G"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e6:F2} M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:F2} K"),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Thousands separated with commas, "-" for zero so that the costly rows stand out.</summary>
    public static string Count(long value) => value == 0 ? "-" : value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Float(float value) => value.ToString("G7", CultureInfo.InvariantCulture);
}
