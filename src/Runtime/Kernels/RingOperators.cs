using System.Numerics;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// A stateless elementwise operation of two ring elements, at every register width
/// (TensorPrimitives' model: the drivers in <see cref="RingOps"/> own the loops).
/// </summary>
internal interface IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    static abstract T Invoke(T x, T y);

    static abstract Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);

    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>
/// An elementwise operation of one ring element. Instance members, because some carry state
/// (a shift count, a public constant); the struct is passed by value and the JIT keeps it in registers.
/// </summary>
internal interface IUnaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    T Invoke(T x);

    Vector128<T> Invoke(Vector128<T> x);

    Vector256<T> Invoke(Vector256<T> x);

    Vector512<T> Invoke(Vector512<T> x);
}

/// <summary><c>x op c</c> for a public constant c: a binary operator with its right operand fixed.</summary>
internal readonly struct WithScalar<T, TOperator>(T c) : IUnaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    where TOperator : IBinaryOperator<T>
{
    private readonly T _c = c;

    public T Invoke(T x) => TOperator.Invoke(x, _c);

    public Vector128<T> Invoke(Vector128<T> x) => TOperator.Invoke(x, Vector128.Create(_c));

    public Vector256<T> Invoke(Vector256<T> x) => TOperator.Invoke(x, Vector256.Create(_c));

    public Vector512<T> Invoke(Vector512<T> x) => TOperator.Invoke(x, Vector512.Create(_c));
}
