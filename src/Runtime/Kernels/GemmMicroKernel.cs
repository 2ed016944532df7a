using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// The register-blocked inner kernel of every ring GEMM and convolution: a tile of
/// <see cref="Rows"/> rows by <see cref="Registers"/> registers of columns of C lives in registers
/// (16 accumulators of the 32 AVX-512 registers) while k runs; each step loads 4 registers of a
/// packed B panel and broadcasts one A element per row, then does 16 multiply-adds (vpmullq +
/// vpaddq at 512 bits). The A rows come as pointers, one set per "tap": a convolution passes, for
/// each filter tap, pointers straight into the NHWC input (or to zeros where the tap falls in the
/// padding), so no im2col buffer is needed; a matrix product passes one tap of row pointers.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    /// <summary>MR: rows of C per tile.</summary>
    public const int Rows = 4;

    /// <summary>NR / Count: registers of columns per tile.</summary>
    public const int Registers = 4;

    /// <summary>
    /// C[r][0..NR) (+)= sum over taps t and k &lt; kLen of rows[t * Rows + r][k] * b[(t * kLen + k) * NR + 0..NR),
    /// with NR = Registers * TVec.Count and C's rows <paramref name="ldc"/> elements apart.
    /// </summary>
    [SkipLocalsInit]
    public static void Run<T, TVector, TVec>(T** rows, int taps, int kLen, T* b, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>
    {
        var n = TVec.Count;
        TVector c00 = TVec.Zero, c01 = TVec.Zero, c02 = TVec.Zero, c03 = TVec.Zero;
        TVector c10 = TVec.Zero, c11 = TVec.Zero, c12 = TVec.Zero, c13 = TVec.Zero;
        TVector c20 = TVec.Zero, c21 = TVec.Zero, c22 = TVec.Zero, c23 = TVec.Zero;
        TVector c30 = TVec.Zero, c31 = TVec.Zero, c32 = TVec.Zero, c33 = TVec.Zero;

        for (var t = 0; t < taps; t++, rows += Rows)
        {
            T* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
            for (nint k = 0; k < kLen; k++, b += Registers * n)
            {
                var b0 = TVec.Load(b);
                var b1 = TVec.Load(b + n);
                var b2 = TVec.Load(b + (2 * n));
                var b3 = TVec.Load(b + (3 * n));

                var x = TVec.Broadcast(a0 + k);
                c00 = TVec.MultiplyAdd(c00, x, b0);
                c01 = TVec.MultiplyAdd(c01, x, b1);
                c02 = TVec.MultiplyAdd(c02, x, b2);
                c03 = TVec.MultiplyAdd(c03, x, b3);

                x = TVec.Broadcast(a1 + k);
                c10 = TVec.MultiplyAdd(c10, x, b0);
                c11 = TVec.MultiplyAdd(c11, x, b1);
                c12 = TVec.MultiplyAdd(c12, x, b2);
                c13 = TVec.MultiplyAdd(c13, x, b3);

                x = TVec.Broadcast(a2 + k);
                c20 = TVec.MultiplyAdd(c20, x, b0);
                c21 = TVec.MultiplyAdd(c21, x, b1);
                c22 = TVec.MultiplyAdd(c22, x, b2);
                c23 = TVec.MultiplyAdd(c23, x, b3);

                x = TVec.Broadcast(a3 + k);
                c30 = TVec.MultiplyAdd(c30, x, b0);
                c31 = TVec.MultiplyAdd(c31, x, b1);
                c32 = TVec.MultiplyAdd(c32, x, b2);
                c33 = TVec.MultiplyAdd(c33, x, b3);
            }
        }

        StoreRow<T, TVector, TVec>(c, accumulate, c00, c01, c02, c03);
        StoreRow<T, TVector, TVec>(c + ldc, accumulate, c10, c11, c12, c13);
        StoreRow<T, TVector, TVec>(c + (2 * ldc), accumulate, c20, c21, c22, c23);
        StoreRow<T, TVector, TVec>(c + (3 * ldc), accumulate, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TVector, TVec>(T* c, bool accumulate, TVector v0, TVector v1, TVector v2, TVector v3)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>
    {
        var n = TVec.Count;
        if (accumulate)
        {
            v0 = TVec.Add(v0, TVec.Load(c));
            v1 = TVec.Add(v1, TVec.Load(c + n));
            v2 = TVec.Add(v2, TVec.Load(c + (2 * n)));
            v3 = TVec.Add(v3, TVec.Load(c + (3 * n)));
        }

        TVec.Store(v0, c);
        TVec.Store(v1, c + n);
        TVec.Store(v2, c + (2 * n));
        TVec.Store(v3, c + (3 * n));
    }
}
