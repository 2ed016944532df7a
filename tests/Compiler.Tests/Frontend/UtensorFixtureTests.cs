using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.Compiler.Tests.Support;
using Mpc.Runtime.IO;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Frontend;

/// <summary>
/// Every uTensor case that recorded TensorFlow's output: our import and execution, before and
/// after the standard passes and through <c>mpcc run</c>, must reproduce it (max abs error 1e-5).
/// </summary>
public sealed class UtensorFixtureTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Fixtures.Utensor).Order(StringComparer.Ordinal))
        {
            if (Case.Load(Path.GetFileName(dir)) is not null)
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        return data;
    }

    [Fact]
    public void EveryCaseWithARecordedOutputIsCovered()
    {
        // 33 folders; "placeholder" recorded no output (its input was never stored).
        Assert.Equal(32, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImportedGraphReproducesTensorFlow(string name)
    {
        var c = Case.Load(name)!;
        var graph = TfImporter.ImportFile(c.Model, new ImportOptions(c.BatchSize));
        Assert.Equal([c.Output], graph.Outputs.ToArray());
        Check(c, PlaintextExecutor.Run(graph, c.Feeds(graph))[0]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FoldedGraphReproducesTensorFlow(string name)
    {
        var c = Case.Load(name)!;
        var graph = Pipeline.Standard.Run(TfImporter.ImportFile(c.Model, new ImportOptions(c.BatchSize)));
        Check(c, PlaintextExecutor.Run(graph, c.Feeds(graph))[0]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MpccRunReproducesTensorFlow(string name)
    {
        var c = Case.Load(name)!;
        using var temp = new TempDir();
        var args = new List<string> { "run", c.Model, "--plaintext", "--output-file", temp.File("y.npy") };
        if (c.Input is not null)
        {
            Npy.Write(temp.File("x.npy"), c.Input.Shape, c.Input.Values);
            args.AddRange(["--input-file", temp.File("x.npy")]);
        }

        var result = Mpcc.Run([.. args]);
        Assert.True(result.Code == 0, result.Err);
        Assert.StartsWith($"{c.Output}: ", result.Out, StringComparison.Ordinal);
        var output = Npy.Read(temp.File("y.npy"));
        Assert.True(Compare.MaxAbsError(output.Data, c.Expected.Values) <= Tolerance);
    }

    private static void Check(Case c, Tensor actual)
    {
        Assert.Equal(c.Expected.Values.Length, actual.Length);
        if (c.Expected.Shape.Length == actual.Shape.Rank)
        {
            Assert.Equal(c.Expected.Shape, actual.Shape.Dims.ToArray());
        }

        var error = Compare.MaxAbsError(actual.Span, c.Expected.Values);
        Assert.True(error <= Tolerance, $"{c.Name}: max abs error {error}");
    }

    /// <summary>A fixture folder: the graph, its output node, TensorFlow's output and the fed input, if any.</summary>
    private sealed record Case(string Name, string Model, string Output, IdxArray Expected, IdxArray? Input)
    {
        public int? BatchSize => Input?.Shape[0];

        public static Case? Load(string name)
        {
            var dir = Path.Combine(Fixtures.Utensor, name);
            var output = File.ReadAllText(Path.Combine(dir, "output_nodes.txt")).Trim();
            var model = Path.Combine(dir, $"test_{name}.pb");

            // The recorded output is output_*.idx (not a constant's *_0.idx); a constant-only graph
            // whose output is a Const recorded it as <node>_0.idx.
            var expected = Directory.GetFiles(dir, "output_*.idx").Where(f => !f.EndsWith("_0.idx", StringComparison.Ordinal)).ToList();
            var path = expected.Count == 1 ? expected[0] : Path.Combine(dir, $"{output}_0.idx");
            if (!File.Exists(path))
            {
                return null;
            }

            var input = Directory.GetFiles(dir, "input_*.idx").SingleOrDefault();
            return new Case(name, model, output, Idx.Read(path), input is null ? null : Idx.Read(input));
        }

        public Dictionary<string, Tensor> Feeds(Graph graph)
        {
            var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var input in graph.Inputs)
            {
                Assert.NotNull(Input);
                feeds[input.Name] = Tensor.Create(Shape.Of(Input.Shape), Input.Values);
            }

            return feeds;
        }
    }
}
