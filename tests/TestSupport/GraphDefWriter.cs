using System.Buffers.Binary;

namespace Mpc.TestSupport;

/// <summary>TensorFlow DataType enum values (tensorflow/core/framework/types.proto).</summary>
public enum TfType
{
    Float = 1,
    Double = 2,
    Int32 = 3,
    UInt8 = 4,
    String = 7,
    Int64 = 9,
    Bool = 10,
}

/// <summary>An attribute value for <see cref="GraphDefWriter.Node"/>; field numbers are attr_value.proto's.</summary>
public sealed class TfAttr
{
    private TfAttr(ProtoWriter value)
    {
        Value = value;
    }

    public ProtoWriter Value { get; }

    public static TfAttr Str(string s) => new(new ProtoWriter().String(2, s));

    public static TfAttr Int(long i) => new(new ProtoWriter().Int(3, i));

    public static TfAttr Float(float f) => new(new ProtoWriter().Float(4, f));

    public static TfAttr Bool(bool b) => new(new ProtoWriter().Bool(5, b));

    public static TfAttr Type(TfType t) => new(new ProtoWriter().Varint(6, (ulong)t));

    public static TfAttr Shape(params long[] dims) => new(new ProtoWriter().Message(7, GraphDefWriter.ShapeProto(dims)));

    public static TfAttr UnknownRankShape() => new(new ProtoWriter().Message(7, new ProtoWriter().Bool(3, true)));

    public static TfAttr Tensor(ProtoWriter tensor) => new(new ProtoWriter().Message(8, tensor));

    public static TfAttr Ints(params long[] values) => new(new ProtoWriter().Message(1, new ProtoWriter().PackedInts(3, values)));

    public static TfAttr Strings(params string[] values)
    {
        var list = new ProtoWriter();
        foreach (var v in values)
        {
            list.String(2, v);
        }

        return new(new ProtoWriter().Message(1, list));
    }
}

/// <summary>
/// Writes binary GraphDefs the way TensorFlow's exporters do (tests build models with it, including
/// one of the seed exporter's exact structure). Node order is the order of the calls.
/// </summary>
public sealed class GraphDefWriter
{
    private readonly ProtoWriter _graph = new();

    public byte[] ToArray() => _graph.ToArray();

    public void Save(string path) => File.WriteAllBytes(path, ToArray());

    /// <summary>A node with data inputs (as written: "x", "x:0", "^ctrl") and attributes.</summary>
    public GraphDefWriter Node(string name, string op, IEnumerable<string> inputs, params (string Key, TfAttr Value)[] attrs)
    {
        var node = new ProtoWriter().String(1, name).String(2, op);
        foreach (var input in inputs)
        {
            node.String(3, input);
        }

        foreach (var (key, value) in attrs)
        {
            node.Message(5, new ProtoWriter().String(1, key).Message(2, value.Value));
        }

        _graph.Message(1, node);
        return this;
    }

    public GraphDefWriter Placeholder(string name, params long[] dims) =>
        Node(name, "Placeholder", [], ("dtype", TfAttr.Type(TfType.Float)), ("shape", TfAttr.Shape(dims)));

    /// <summary>A float32 constant stored in tensor_content (how TensorFlow writes non-trivial tensors).</summary>
    public GraphDefWriter Const(string name, float[] values, params long[] dims)
    {
        var content = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(content.AsSpan(i * 4), values[i]);
        }

        return ConstTensor(name, TfType.Float, new ProtoWriter().Varint(1, (ulong)TfType.Float).Message(2, ShapeProto(dims)).Bytes(4, content));
    }

    /// <summary>A float32 constant in float_val; TensorFlow repeats the last value when the list is short.</summary>
    public GraphDefWriter ConstList(string name, float[] values, params long[] dims) =>
        ConstTensor(name, TfType.Float, new ProtoWriter().Varint(1, (ulong)TfType.Float).Message(2, ShapeProto(dims)).PackedFloats(5, values));

    /// <summary>A float64 constant in double_val.</summary>
    public GraphDefWriter ConstDouble(string name, double[] values, params long[] dims) =>
        ConstTensor(name, TfType.Double, new ProtoWriter().Varint(1, (ulong)TfType.Double).Message(2, ShapeProto(dims)).PackedDoubles(6, values));

    /// <summary>An int32 constant in int_val (shapes, axes, perms).</summary>
    public GraphDefWriter ConstInt(string name, long[] values, params long[] dims) =>
        ConstTensor(name, TfType.Int32, new ProtoWriter().Varint(1, (ulong)TfType.Int32).Message(2, ShapeProto(dims)).PackedInts(7, values));

    /// <summary>An int64 constant in tensor_content.</summary>
    public GraphDefWriter ConstInt64(string name, long[] values, params long[] dims)
    {
        var content = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(content.AsSpan(i * 8), values[i]);
        }

        return ConstTensor(name, TfType.Int64, new ProtoWriter().Varint(1, (ulong)TfType.Int64).Message(2, ShapeProto(dims)).Bytes(4, content));
    }

    public GraphDefWriter ConstTensor(string name, TfType type, ProtoWriter tensor) =>
        Node(name, "Const", [], ("dtype", TfAttr.Type(type)), ("value", TfAttr.Tensor(tensor)));

    /// <summary>Conv2D as tf.nn.conv2d writes it (NHWC, dilations 1).</summary>
    public GraphDefWriter Conv2D(string name, string x, string w, string padding, int stride = 1) =>
        Node(name, "Conv2D", [x, w], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")),
            ("strides", TfAttr.Ints(1, stride, stride, 1)), ("dilations", TfAttr.Ints(1, 1, 1, 1)),
            ("padding", TfAttr.Str(padding)), ("use_cudnn_on_gpu", TfAttr.Bool(true)));

    public GraphDefWriter Pool(string name, string op, string x, int size, int stride, string padding) =>
        Node(name, op, [x], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")),
            ("ksize", TfAttr.Ints(1, size, size, 1)), ("strides", TfAttr.Ints(1, stride, stride, 1)), ("padding", TfAttr.Str(padding)));

    /// <summary>An elementwise or other op whose only attribute is T = float.</summary>
    public GraphDefWriter Op(string name, string op, params string[] inputs) => Node(name, op, inputs, ("T", TfAttr.Type(TfType.Float)));

    public static ProtoWriter ShapeProto(long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
        {
            shape.Message(2, new ProtoWriter().Int(1, d));
        }

        return shape;
    }
}
