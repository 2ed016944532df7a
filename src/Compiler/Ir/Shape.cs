using System.Collections.Immutable;
using System.Globalization;

namespace Mpc.Compiler.Ir;

/// <summary>
/// A static tensor shape (NHWC for images). Immutable, compared by value: passes and the verifier
/// compare shapes, and <see cref="ImmutableArray{T}"/> alone compares by reference.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    public static readonly Shape Scalar = new(ImmutableArray<int>.Empty);

    private Shape(ImmutableArray<int> dims)
    {
        Dims = dims;
    }

    public ImmutableArray<int> Dims { get; }

    public int Rank => Dims.Length;

    public int this[int axis] => Dims[axis];

    /// <summary>The number of elements (1 for a scalar).</summary>
    public int ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                n *= d;
            }

            return (int)n;
        }
    }

    /// <summary>The last dimension, or 1 for a scalar (the channel count of an NHWC value).</summary>
    public int Last => Rank == 0 ? 1 : Dims[^1];

    public static Shape Of(params int[] dims) => Of((IEnumerable<int>)dims);

    /// <summary>Creates a shape; every dimension must be at least 0 and the element count must fit an int.</summary>
    public static Shape Of(IEnumerable<int> dims)
    {
        var array = dims.ToImmutableArray();
        long n = 1;
        foreach (var d in array)
        {
            if (d < 0)
            {
                throw new ShapeException($"negative dimension in [{string.Join(',', array)}]");
            }

            n *= d;
            if (n > int.MaxValue)
            {
                throw new ShapeException($"shape [{string.Join(',', array)}] has more than 2^31 elements");
            }
        }

        return array.IsEmpty ? Scalar : new Shape(array);
    }

    /// <summary>This shape with dimension <paramref name="axis"/> replaced.</summary>
    public Shape With(int axis, int size) => new(Dims.SetItem(axis, size));

    /// <summary>Row-major strides in elements.</summary>
    public int[] Strides()
    {
        var strides = new int[Rank];
        var s = 1;
        for (var i = Rank - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Dims[i];
        }

        return strides;
    }

    public bool Equals(Shape? other) => other is not null && Dims.AsSpan().SequenceEqual(other.Dims.AsSpan());

    public override bool Equals(object? obj) => Equals(obj as Shape);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        foreach (var d in Dims)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    public override string ToString() =>
        "[" + string.Join(",", Dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}

/// <summary>Shapes that do not fit an operation; the frontend turns it into a diagnostic naming the node.</summary>
public sealed class ShapeException : Exception
{
    public ShapeException(string message)
        : base(message)
    {
    }
}
