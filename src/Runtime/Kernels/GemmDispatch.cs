using System.Numerics;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>A kernel body written once, generic over the register width (the GEMM, conv and dot drivers).</summary>
internal interface IGemmBody<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    void Run<TVector, TVec>()
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>;
}

internal static class GemmDispatch
{
    /// <summary>Runs <paramref name="body"/> specialised for <paramref name="width"/> (or the widest narrower one <typeparamref name="T"/> has).</summary>
    public static void Run<T, TBody>(VectorWidth width, TBody body)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TBody : struct, IGemmBody<T>
    {
        switch (VectorWidths.Supported<T>(width))
        {
            case VectorWidth.Vector512:
                body.Run<Vector512<T>, Gemm512<T>>();
                break;
            case VectorWidth.Vector256:
                body.Run<Vector256<T>, Gemm256<T>>();
                break;
            case VectorWidth.Vector128:
                body.Run<Vector128<T>, Gemm128<T>>();
                break;
            default:
                body.Run<T, GemmScalar<T>>();
                break;
        }
    }
}
