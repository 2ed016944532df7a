using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// The handful of register operations the GEMM micro-kernel needs, at one width. The micro-kernel
/// is written once, generic over this interface; the JIT specialises it per struct, so each width
/// gets its own straight-line code (the scalar one included, which is the reference for the others).
/// </summary>
internal unsafe interface IGemmVector<TVector, T>
    where TVector : unmanaged
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>Elements per register.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(T* source);

    static abstract void Store(TVector value, T* destination);

    static abstract TVector Broadcast(T* source);

    static abstract TVector Add(TVector x, TVector y);

    /// <summary>accumulator + x * y, wrapping.</summary>
    static abstract TVector MultiplyAdd(TVector accumulator, TVector x, TVector y);

    /// <summary>The wrapping sum of the lanes.</summary>
    static abstract T Sum(TVector value);
}

internal readonly unsafe struct Gemm512<T> : IGemmVector<Vector512<T>, T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T* source) => Vector512.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> x, Vector512<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> accumulator, Vector512<T> x, Vector512<T> y) => accumulator + (x * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);
}

internal readonly unsafe struct Gemm256<T> : IGemmVector<Vector256<T>, T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> x, Vector256<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> accumulator, Vector256<T> x, Vector256<T> y) => accumulator + (x * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);
}

internal readonly unsafe struct Gemm128<T> : IGemmVector<Vector128<T>, T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static int Count => Vector128<T>.Count;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T* source) => Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> x, Vector128<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> accumulator, Vector128<T> x, Vector128<T> y) => accumulator + (x * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);
}

/// <summary>One element per "register": the portable fallback and the tests' in-kernel reference.</summary>
internal readonly unsafe struct GemmScalar<T> : IGemmVector<T, T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public static int Count => 1;

    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(T* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, T* destination) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T x, T y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T accumulator, T x, T y) => accumulator + (x * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;
}
