using System.Numerics;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>Bitwise xor (vpxorq): addition in Z_2 on every bit, i.e. on packed bit shares.</summary>
internal readonly struct XorOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static T Invoke(T x, T y) => x ^ y;

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x ^ y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x ^ y;

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x ^ y;
}

/// <summary>Bitwise and (vpandq): multiplication in Z_2 on every bit.</summary>
internal readonly struct AndOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static T Invoke(T x, T y) => x & y;

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x & y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x & y;

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x & y;
}
