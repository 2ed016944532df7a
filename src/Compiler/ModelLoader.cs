using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;

namespace Mpc.Compiler;

/// <summary>
/// The entry point for programs that load a model at run time (the party program's model owner):
/// frontend plus the standard pass pipeline. In the folded graph Conv2D weights are HWIO
/// <c>[KH, KW, Cin, Cout]</c>, DepthwiseConv2D weights <c>[KH, KW, C, M]</c>, MatMul weights KxN,
/// biases are vectors over output channels, all as <see cref="Constant"/> nodes named by the
/// layer's inputs; <see cref="Graph.Fingerprint"/> identifies the architecture.
/// </summary>
public static class ModelLoader
{
    /// <param name="batchSize">The size of an unknown batch dimension; null means 1.</param>
    /// <exception cref="Runtime.MpcInputException">The file is unreadable or not a supported model (the message lists every problem).</exception>
    public static Graph Load(string path, int? batchSize = null) => Load(path, new ImportOptions(batchSize));

    public static Graph Load(string path, ImportOptions options) => Pipeline.Standard.Run(TfImporter.ImportFile(path, options));
}
