using Google.Protobuf;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Frontend.Tf.Proto;
using Mpc.Runtime.IO;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>Reads a binary GraphDef (a frozen TensorFlow .pb) and rejects files that are not one.</summary>
internal static class GraphDefFile
{
    public static GraphDef Read(string path) => Parse(InputFiles.ReadAllBytes(path, "the model"), path);

    public static GraphDef Parse(byte[] bytes, string path)
    {
        GraphDef graph;
        try
        {
            graph = GraphDef.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw ModelException.Single(path, Problem.NotAGraphDef, string.Empty,
                $"the file is truncated or is not binary protobuf ({e.Message.TrimEnd('.')})");
        }

        // Protobuf accepts many byte strings as messages made of unknown fields; a GraphDef has nodes
        // and every node has a name and an op.
        if (graph.Node.Count == 0)
        {
            throw ModelException.Single(path, Problem.NotAGraphDef, string.Empty,
                $"the file ({bytes.Length} bytes) holds no nodes");
        }

        var unnamed = graph.Node.Select((n, i) => (n, i)).Where(p => p.n.Name.Length == 0 || p.n.Op.Length == 0).ToList();
        if (unnamed.Count > 0)
        {
            throw ModelException.Single(path, Problem.NotAGraphDef, string.Empty,
                $"{unnamed.Count} of {graph.Node.Count} nodes have no name or no op (first: node #{unnamed[0].i})");
        }

        return graph;
    }
}
