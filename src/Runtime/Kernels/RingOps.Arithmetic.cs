using System.Numerics;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>Ring addition: wraps mod 2^k (vpaddq / vpaddd).</summary>
internal readonly struct AddOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static T Invoke(T x, T y) => x + y;

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x + y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

/// <summary>Ring subtraction x - y.</summary>
internal readonly struct SubOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static T Invoke(T x, T y) => x - y;

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x - y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
}

/// <summary>y - x: with the right operand fixed by <see cref="WithScalar{T, TOperator}"/> it is c - x.</summary>
internal readonly struct ReverseSubOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static T Invoke(T x, T y) => y - x;

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => y - x;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => y - x;

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => y - x;
}

/// <summary>Ring multiplication, the low k bits of the product (vpmullq needs AVX-512DQ; vpmulld for uint).</summary>
internal readonly struct MulOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static T Invoke(T x, T y) => x * y;

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x * y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
}

/// <summary>Ring negation 0 - x (the additive inverse; 2^(k-1) is its own inverse).</summary>
internal readonly struct NegOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public T Invoke(T x) => T.Zero - x;

    public Vector128<T> Invoke(Vector128<T> x) => Vector128<T>.Zero - x;

    public Vector256<T> Invoke(Vector256<T> x) => Vector256<T>.Zero - x;

    public Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.Zero - x;
}
