using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>What a converter sees of the graph while it turns one TensorFlow node into IR nodes.</summary>
internal sealed class ConversionContext
{
    private readonly Dictionary<string, Node> _ir;
    private readonly Dictionary<string, string> _valueOf;
    private readonly Dictionary<string, TfTensor> _integers;
    private readonly Func<string, bool> _nameTaken;

    public ConversionContext(
        Dictionary<string, Node> ir,
        Dictionary<string, string> valueOf,
        Dictionary<string, TfTensor> integers,
        Func<string, bool> nameTaken,
        ImportOptions options)
    {
        _ir = ir;
        _valueOf = valueOf;
        _integers = integers;
        _nameTaken = nameTaken;
        Options = options;
    }

    public ImportOptions Options { get; }

    public TfNode Node { get; set; } = null!;

    public List<Node> Emitted { get; } = [];

    /// <summary>Checks the number of data inputs.</summary>
    public void RequireInputs(int count)
    {
        if (Node.Inputs.Count != count)
        {
            throw new ImportException(Problem.InvalidNode, $"{Node.Op} has {Node.Inputs.Count} inputs, expected {count}");
        }
    }

    /// <summary>The IR value of data input <paramref name="index"/>.</summary>
    public string Value(int index)
    {
        var source = Node.Inputs[index].Node;
        if (_valueOf.TryGetValue(source, out var value))
        {
            return value;
        }

        if (_integers.ContainsKey(source))
        {
            throw new ImportException(Problem.UnsupportedType, $"input {index} ('{source}') is an integer tensor; values must be float");
        }

        throw new InvalidOperationException($"input '{source}' of '{Node.Name}' was not converted");
    }

    public Shape ShapeOf(string value) => _ir[value].Shape;

    public Shape InputShape(int index) => ShapeOf(Value(index));

    /// <summary>True when data input <paramref name="index"/> is an integer constant.</summary>
    public bool IsIntegerConstant(int index) => _integers.ContainsKey(Node.Inputs[index].Node);

    /// <summary>
    /// Data input <paramref name="index"/> as integer constant values (a shape, axes, paddings). A value
    /// computed at run time is a dynamic shape, which the secure code cannot have.
    /// </summary>
    public TfTensor IntegerConstant(int index, string what)
    {
        var source = Node.Inputs[index].Node;
        if (_integers.TryGetValue(source, out var t))
        {
            return t;
        }

        throw new ImportException(Problem.DynamicShape,
            $"the {what} (input {index}, '{source}') must be an int32 or int64 constant");
    }

    /// <summary>Adds an IR node; a node named like the TensorFlow node becomes that node's value.</summary>
    public void Emit(Node node)
    {
        _ir[node.Name] = node;
        Emitted.Add(node);
        if (node.Name == Node.Name)
        {
            _valueOf[Node.Name] = node.Name;
        }
    }

    /// <summary>Records this TensorFlow node as an integer constant (no IR node).</summary>
    public void DefineInteger(TfTensor value) => _integers[Node.Name] = value;

    /// <summary>Makes this TensorFlow node stand for an existing IR value or integer constant (Identity).</summary>
    public void Alias(int index)
    {
        var source = Node.Inputs[index].Node;
        if (_integers.TryGetValue(source, out var t))
        {
            _integers[Node.Name] = t;
        }
        else
        {
            _valueOf[Node.Name] = Value(index);
        }
    }

    /// <summary>A name for a helper IR node: <c>node/suffix</c>, made unique against every node name.</summary>
    public string SubName(string suffix)
    {
        var name = $"{Node.Name}/{suffix}";
        for (var i = 1; _nameTaken(name) || _ir.ContainsKey(name); i++)
        {
            name = FormattableString.Invariant($"{Node.Name}/{suffix}_{i}");
        }

        return name;
    }
}
