using Mpc.Compiler.Frontend.Tf;
using Mpc.Runtime;

namespace Mpc.Compiler.Cli;

/// <summary>Flag checks shared by the verbs.</summary>
internal static class CommandSupport
{
    public static ImportOptions ImportOptions(ModelOptions options, int? batchSize = null)
    {
        var batch = batchSize ?? options.BatchSize;
        if (batch is < 1)
        {
            throw new MpcInputException($"--batch-size {batch}: must be at least 1");
        }

        var outputs = options.Outputs.Where(o => o.Length > 0).ToList();
        return new ImportOptions(batch, outputs.Count > 0 ? outputs : null);
    }
}
