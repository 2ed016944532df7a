using System.Runtime.InteropServices;

namespace Mpc.Compiler.Ir;

/// <summary>
/// An immutable dense float32 tensor in row-major (C) order: constants in the IR and the values of
/// the plaintext executor. Integer tensors (shapes, axes) never reach the IR: the frontend consumes
/// them as attributes; ArgMax indices are stored as exact float values.
/// </summary>
public sealed class Tensor
{
    private readonly float[] _data;

    private Tensor(Shape shape, float[] data)
    {
        if (data.Length != shape.ElementCount)
        {
            throw new ArgumentException($"tensor of shape {shape} needs {shape.ElementCount} values, got {data.Length}");
        }

        Shape = shape;
        _data = data;
    }

    public Shape Shape { get; }

    public int Length => _data.Length;

    public ReadOnlySpan<float> Span => _data;

    public ReadOnlyMemory<float> Memory => _data;

    public float this[int index] => _data[index];

    /// <summary>Copies <paramref name="values"/>.</summary>
    public static Tensor Create(Shape shape, ReadOnlySpan<float> values) => new(shape, values.ToArray());

    public static Tensor Scalar(float value) => new(Shape.Scalar, [value]);

    public static Tensor Zeros(Shape shape) => new(shape, new float[shape.ElementCount]);

    /// <summary>
    /// Takes ownership of <paramref name="data"/> without copying: the caller must not write to it
    /// afterwards. Used by kernels and folding passes that have just produced the array.
    /// </summary>
    public static Tensor Own(Shape shape, float[] data) => new(shape, data);

    /// <summary>The same values under another shape of the same element count (no copy).</summary>
    public Tensor Reshape(Shape shape) => new(shape, _data);

    /// <summary>The values as bytes (little-endian on every platform .NET runs on here).</summary>
    public ReadOnlySpan<byte> Bytes => MemoryMarshal.AsBytes(Span);

    public float[] ToArray() => (float[])_data.Clone();
}
