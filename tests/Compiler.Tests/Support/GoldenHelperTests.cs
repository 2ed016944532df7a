using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Support;

/// <summary>The golden-file helper reports the first differing line, which is what a reviewer reads.</summary>
public sealed class GoldenHelperTests
{
    [Fact]
    public void FirstDifferenceNamesTheLineAndBothTexts()
    {
        var message = Golden.FirstDifference("x.txt", "a\nb\nc", "a\nB\nc");
        Assert.Contains("x.txt differs at line 2", message, StringComparison.Ordinal);
        Assert.Contains("golden: b", message, StringComparison.Ordinal);
        Assert.Contains("actual: B", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstDifferenceReportsLengthWhenOneTextIsAPrefix()
    {
        var message = Golden.FirstDifference("x.txt", "a\nb", "a\nb\nc");
        Assert.Contains("golden has 2 lines, actual has 3", message, StringComparison.Ordinal);
    }
}
