using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>x &lt;&lt; bits; the count was checked to lie in [0, k) by the public entry point.</summary>
internal readonly struct ShiftLeftOperator<T>(int bits) : IUnaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly int _bits = bits;

    public T Invoke(T x) => x << _bits;

    public Vector128<T> Invoke(Vector128<T> x) => x << _bits;

    public Vector256<T> Invoke(Vector256<T> x) => x << _bits;

    public Vector512<T> Invoke(Vector512<T> x) => x << _bits;
}

/// <summary>x &gt;&gt;&gt; bits, zero fill.</summary>
internal readonly struct ShiftRightLogicalOperator<T>(int bits) : IUnaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly int _bits = bits;

    public T Invoke(T x) => x >>> _bits;

    public Vector128<T> Invoke(Vector128<T> x) => x >>> _bits;

    public Vector256<T> Invoke(Vector256<T> x) => x >>> _bits;

    public Vector512<T> Invoke(Vector512<T> x) => x >>> _bits;
}

/// <summary>
/// x &gt;&gt; bits on the two's-complement reading of x (sign fill). ulong and uint use the signed
/// shift instructions (vpsraq is AVX-512; narrower widths of it are emulated without AVX-512VL);
/// other element types use ((x ^ s) &gt;&gt;&gt; bits) ^ s with s the sign broadcast, which is exact
/// for every count including 0.
/// </summary>
internal readonly struct ShiftRightArithmeticOperator<T>(int bits) : IUnaryOperator<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly int _bits = bits;

    private static int SignBit => (Unsafe.SizeOf<T>() * 8) - 1;

    public T Invoke(T x)
    {
        if (typeof(T) == typeof(ulong))
        {
            return Unsafe.BitCast<long, T>(Unsafe.BitCast<T, long>(x) >> _bits);
        }

        if (typeof(T) == typeof(uint))
        {
            return Unsafe.BitCast<int, T>(Unsafe.BitCast<T, int>(x) >> _bits);
        }

        var sign = T.Zero - (x >>> SignBit);
        return ((x ^ sign) >>> _bits) ^ sign;
    }

    public Vector128<T> Invoke(Vector128<T> x)
    {
        if (typeof(T) == typeof(ulong))
        {
            return (x.AsInt64() >> _bits).As<long, T>();
        }

        if (typeof(T) == typeof(uint))
        {
            return (x.AsInt32() >> _bits).As<int, T>();
        }

        var sign = Vector128<T>.Zero - (x >>> SignBit);
        return ((x ^ sign) >>> _bits) ^ sign;
    }

    public Vector256<T> Invoke(Vector256<T> x)
    {
        if (typeof(T) == typeof(ulong))
        {
            return (x.AsInt64() >> _bits).As<long, T>();
        }

        if (typeof(T) == typeof(uint))
        {
            return (x.AsInt32() >> _bits).As<int, T>();
        }

        var sign = Vector256<T>.Zero - (x >>> SignBit);
        return ((x ^ sign) >>> _bits) ^ sign;
    }

    public Vector512<T> Invoke(Vector512<T> x)
    {
        if (typeof(T) == typeof(ulong))
        {
            return (x.AsInt64() >> _bits).As<long, T>();
        }

        if (typeof(T) == typeof(uint))
        {
            return (x.AsInt32() >> _bits).As<int, T>();
        }

        var sign = Vector512<T>.Zero - (x >>> SignBit);
        return ((x ^ sign) >>> _bits) ^ sign;
    }
}
