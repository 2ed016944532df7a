using System.Text;
using Mpc.Compiler.Tests.Support;
using Mpc.Runtime;
using Mpc.Runtime.IO;
using Xunit;

namespace Mpc.Compiler.Tests.IO;

/// <summary>Our .npy reader and writer: NumPy's header format, C order only, clear errors naming the file.</summary>
public sealed class NpyTests
{
    [Fact]
    public void ReadsTheMnistFixtureWrittenByNumPy()
    {
        var npy = Npy.Read(Fixtures.MnistInput);
        Assert.Equal([1, 784], npy.Shape);
        Assert.Equal(NpyType.Float32, npy.SourceType);
        Assert.InRange(npy.Data.Max(), 0.9f, 1f);
    }

    [Theory]
    [InlineData(NpyType.Float32)]
    [InlineData(NpyType.Float64)]
    [InlineData(NpyType.UInt8)]
    public void RoundTripsEveryTypeAndShape(NpyType type)
    {
        foreach (var shape in new[] { Array.Empty<int>(), [5], [2, 3], [1, 2, 2, 3] })
        {
            var count = shape.Aggregate(1, (p, d) => p * d);
            var values = Enumerable.Range(0, count).Select(i => (float)(i * 3 % 251)).ToArray();
            var bytes = Npy.Encode(shape, values, type);
            var headerEnd = Array.IndexOf(bytes, (byte)'\n') + 1;
            Assert.Equal(0, headerEnd % 64);
            var read = Npy.Parse(bytes, "x.npy");
            Assert.Equal(shape, read.Shape);
            Assert.Equal(values, read.Data);
            Assert.Equal(type, read.SourceType);
        }

        Assert.Contains("'shape': (5,)", Encoding.Latin1.GetString(Npy.Encode([5], new float[5])), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsBigEndianAndVersion2Headers()
    {
        var header = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }".PadRight(115) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange([0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0]);
        Assert.Equal([1f, -2f], Npy.Parse([.. bytes], "be.npy").Data);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", "f.npy: fortran_order is True; only C-order arrays are supported")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", "f.npy: dtype '<i4' is not supported (float32, float64 or uint8)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", "f.npy: holds 16 data bytes, shape (3, 2) of <f4 needs 24")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "f.npy: .npy header has no 'shape'")]
    public void BadHeadersAreInputErrorsNamingTheFile(string dict, string message)
    {
        var header = dict.PadRight(117) + "\n";
        byte[] bytes = [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. Encoding.Latin1.GetBytes(header), .. new byte[16]];
        var e = Assert.Throws<MpcInputException>(() => Npy.Parse(bytes, "f.npy"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void NotNpyIsRefused()
    {
        var e = Assert.Throws<MpcInputException>(() => Npy.Parse("hello world, not numpy"u8, "t.npy"));
        Assert.Equal("t.npy: not a .npy file (no \\x93NUMPY magic)", e.Message);
    }

    [Fact]
    public void WriteReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        using var temp = new TempDir();
        var path = temp.File("y.npy");
        File.WriteAllText(path, "old");
        Npy.Write(path, [2], [1f, 2f]);
        Assert.Equal([1f, 2f], Npy.Read(path).Data);
        Assert.Equal(["y.npy"], Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)).ToList());

        var e = Assert.Throws<MpcInputException>(() => Npy.Write(Path.Combine(temp.Path, "missing", "y.npy"), [1], [1f]));
        Assert.Contains("cannot write", e.Message, StringComparison.Ordinal);
    }
}
