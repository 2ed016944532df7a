using System.Globalization;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Frontend.Tf.Proto;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>A reference to output <see cref="Index"/> of node <see cref="Node"/> ("name", "name:1").</summary>
internal readonly record struct TfInput(string Node, int Index)
{
    /// <summary>Parses a data input; control inputs ("^name") return null.</summary>
    public static TfInput? Parse(string text)
    {
        if (text.StartsWith('^'))
        {
            return null;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return new TfInput(text[..colon], index);
        }

        return new TfInput(text, 0);
    }
}

/// <summary>A NodeDef with its data inputs parsed and typed attribute accessors.</summary>
internal sealed class TfNode
{
    public TfNode(NodeDef def)
    {
        Def = def;
        Inputs = [.. def.Input.Select(TfInput.Parse).Where(i => i is not null).Select(i => i!.Value)];
    }

    public NodeDef Def { get; }

    public string Name => Def.Name;

    public string Op => Def.Op;

    /// <summary>Data inputs in order; control inputs are dropped (they only order side effects, of which inference has none).</summary>
    public IReadOnlyList<TfInput> Inputs { get; }

    public AttrValue? Attr(string name) => Def.Attr.TryGetValue(name, out var v) ? v : null;

    public string? String(string name) =>
        Attr(name) is { ValueCase: AttrValue.ValueOneofCase.S } a ? a.S.ToStringUtf8() : null;

    public bool? Bool(string name) => Attr(name) is { ValueCase: AttrValue.ValueOneofCase.B } a ? a.B : null;

    public float? Float(string name) => Attr(name) is { ValueCase: AttrValue.ValueOneofCase.F } a ? a.F : null;

    public DataType? Type(string name) => Attr(name) is { ValueCase: AttrValue.ValueOneofCase.Type } a ? a.Type : null;

    public long[]? Ints(string name) => Attr(name) is { ValueCase: AttrValue.ValueOneofCase.List } a ? [.. a.List.I] : null;

    /// <summary>A list attribute of exactly <paramref name="count"/> integers; an error names the attribute.</summary>
    public long[] RequireInts(string name, int count)
    {
        var values = Ints(name) ?? throw new ImportException(Problem.InvalidNode, $"attribute {name} is missing");
        if (values.Length != count)
        {
            throw new ImportException(Problem.InvalidNode, $"attribute {name} has {values.Length} values, expected {count}");
        }

        return values;
    }

    /// <summary>
    /// Checks <c>data_format</c> (absent means NHWC): NCHW graphs run only on GPUs in TensorFlow, and
    /// supporting them would double every layout rule downstream.
    /// </summary>
    public void RequireNhwc()
    {
        var format = String("data_format");
        if (format is not null and not "NHWC")
        {
            throw new ImportException(Problem.UnsupportedAttribute, $"data_format {format}; only NHWC is supported");
        }
    }

    /// <summary>Checks the element type attribute <paramref name="name"/> (absent is accepted) is float32 or float64.</summary>
    public void RequireFloat(string name = "T")
    {
        if (Type(name) is { } t && t is not DataType.DtFloat and not DataType.DtDouble)
        {
            throw new ImportException(Problem.UnsupportedType, $"{name} is {TfTensor.TypeName(t)}; only float32 and float64 values are supported");
        }
    }
}
