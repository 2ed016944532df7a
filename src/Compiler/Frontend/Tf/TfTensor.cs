using System.Buffers.Binary;
using Mpc.Compiler.Frontend.Tf.Proto;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>
/// A decoded TensorFlow constant: float32 and float64 become float values (the plaintext path is
/// float32), int32 and int64 stay integers (they are shapes, axes and paddings).
/// </summary>
internal sealed class TfTensor
{
    private TfTensor(DataType type, Shape shape, float[]? floats, long[]? ints)
    {
        Type = type;
        Shape = shape;
        Floats = floats;
        Ints = ints;
    }

    public DataType Type { get; }

    public Shape Shape { get; }

    public float[]? Floats { get; }

    public long[]? Ints { get; }

    public bool IsFloat => Floats is not null;

    /// <summary>
    /// Decodes <paramref name="proto"/> as TensorFlow does: <c>tensor_content</c> (little-endian) when
    /// present, else the typed value list, where a list shorter than the shape repeats its last value
    /// and an empty list means zeros.
    /// </summary>
    /// <exception cref="ImportException">Unsupported type, bad shape, or a size that does not match.</exception>
    public static TfTensor Decode(TensorProto proto)
    {
        var dims = new List<int>();
        foreach (var d in proto.TensorShape?.Dim ?? [])
        {
            if (d.Size < 0 || d.Size > int.MaxValue)
            {
                throw new ImportException(Diagnostics.Problem.InvalidNode, $"constant has dimension {d.Size}");
            }

            dims.Add((int)d.Size);
        }

        Shape shape;
        try
        {
            shape = Shape.Of(dims);
        }
        catch (ShapeException e)
        {
            throw new ImportException(Diagnostics.Problem.InvalidNode, "constant " + e.Message);
        }

        var n = shape.ElementCount;
        var content = proto.TensorContent.Span;
        switch (proto.Dtype)
        {
            case DataType.DtFloat:
                return new TfTensor(proto.Dtype, shape, content.IsEmpty
                    ? Expand(proto.FloatVal, n, "float_val")
                    : FromContent(content, n, 4, "float32", b => BinaryPrimitives.ReadSingleLittleEndian(b)), null);
            case DataType.DtDouble:
                return new TfTensor(proto.Dtype, shape, content.IsEmpty
                    ? Expand(proto.DoubleVal, n, "double_val").Select(v => (float)v).ToArray()
                    : FromContent(content, n, 8, "float64", b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)), null);
            case DataType.DtInt32:
                return new TfTensor(proto.Dtype, shape, null, content.IsEmpty
                    ? Expand(proto.IntVal, n, "int_val").Select(v => (long)v).ToArray()
                    : FromContent(content, n, 4, "int32", b => (long)BinaryPrimitives.ReadInt32LittleEndian(b)));
            case DataType.DtInt64:
                return new TfTensor(proto.Dtype, shape, null, content.IsEmpty
                    ? Expand(proto.Int64Val, n, "int64_val")
                    : FromContent(content, n, 8, "int64", BinaryPrimitives.ReadInt64LittleEndian));
            default:
                throw new ImportException(Diagnostics.Problem.UnsupportedType,
                    $"constant of type {TypeName(proto.Dtype)}; float32, float64, int32 and int64 are supported");
        }
    }

    public static string TypeName(DataType type) => type switch
    {
        DataType.DtFloat => "float32",
        DataType.DtDouble => "float64",
        DataType.DtInt32 => "int32",
        DataType.DtInt64 => "int64",
        DataType.DtUint8 => "uint8",
        DataType.DtBool => "bool",
        DataType.DtString => "string",
        DataType.DtHalf => "float16",
        DataType.DtBfloat16 => "bfloat16",
        _ => type.ToString(),
    };

    public Tensor ToIrTensor() => Tensor.Own(Shape, Floats ?? throw new InvalidOperationException("integer tensor"));

    private delegate T Reader<out T>(ReadOnlySpan<byte> bytes);

    private static T[] FromContent<T>(ReadOnlySpan<byte> content, int n, int size, string type, Reader<T> read)
    {
        if (content.Length != (long)n * size)
        {
            throw new ImportException(Diagnostics.Problem.InvalidNode,
                $"tensor_content has {content.Length} bytes; {n} {type} values need {(long)n * size}");
        }

        var values = new T[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = read(content.Slice(i * size, size));
        }

        return values;
    }

    private static T[] Expand<T>(IReadOnlyList<T> list, int n, string field)
    {
        if (list.Count > n)
        {
            throw new ImportException(Diagnostics.Problem.InvalidNode, $"{field} has {list.Count} values for a shape of {n} elements");
        }

        var values = new T[n];
        for (var i = 0; i < n; i++)
        {
            // TensorFlow repeats the last value of a short list (and an empty list means zeros).
            values[i] = list.Count == 0 ? default! : list[Math.Min(i, list.Count - 1)];
        }

        return values;
    }
}
