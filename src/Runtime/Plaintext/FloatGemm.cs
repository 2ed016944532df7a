using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Runtime.Plaintext;

/// <summary>
/// Float32 matrix product for the plaintext path: <c>C[M,N] = A[M,K] x B[K,N] (+ bias[N])</c>, all
/// row-major. A 4-row by 2-vector register tile walks K, so each loaded row of B feeds four rows of A
/// and the accumulators never leave registers; Vector&lt;float&gt; picks the widest SIMD the JIT uses.
/// </summary>
public static class FloatGemm
{
    private const int TileRows = 4;

    /// <summary>Rows of A handled per parallel work item: large enough to amortise the B panel it streams.</summary>
    private const int RowsPerTask = 64;

    /// <summary>Products smaller than this many multiply-adds stay on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 24;

    /// <param name="bias">Empty, or N values added to every row.</param>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
    {
        if (a.Length != (long)m * k || b.Length != (long)k * n || c.Length != (long)m * n || (!bias.IsEmpty && bias.Length != n))
        {
            throw new ArgumentException($"GEMM operands do not match M={m} K={k} N={n}");
        }

        if ((long)m * k * n < ParallelThreshold || m < 2 * RowsPerTask || Environment.ProcessorCount < 2)
        {
            Rows(a, b, bias, c, 0, m, k, n);
            return;
        }

        unsafe
        {
            fixed (float* pa = a, pb = b, pbias = bias, pc = c)
            {
                var (ua, ub, ubias, uc) = ((nint)pa, (nint)pb, (nint)pbias, (nint)pc);
                var biasLength = bias.Length;
                var tasks = (m + RowsPerTask - 1) / RowsPerTask;
                Parallel.For(0, tasks, t =>
                {
                    var start = t * RowsPerTask;
                    var end = Math.Min(m, start + RowsPerTask);
                    Rows(
                        new ReadOnlySpan<float>((float*)ua, m * k),
                        new ReadOnlySpan<float>((float*)ub, k * n),
                        new ReadOnlySpan<float>((float*)ubias, biasLength),
                        new Span<float>((float*)uc, m * n),
                        start, end, k, n);
                });
            }
        }
    }

    private static void Rows(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int start, int end, int k, int n)
    {
        var i = start;
        for (; i + TileRows <= end; i += TileRows)
        {
            Tile4(a, b, bias, c, i, k, n);
        }

        for (; i < end; i++)
        {
            Row1(a.Slice(i * k, k), b, bias, c.Slice(i * n, n), k, n);
        }
    }

    private static void Tile4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int i, int k, int n)
    {
        var v = Vector<float>.Count;
        ref var a0 = ref MemoryMarshal.GetReference(a.Slice(i * k));
        ref var a1 = ref Unsafe.Add(ref a0, k);
        ref var a2 = ref Unsafe.Add(ref a1, k);
        ref var a3 = ref Unsafe.Add(ref a2, k);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        var j = 0;
        for (; j + (2 * v) <= n; j += 2 * v)
        {
            var c00 = Start(bias, j);
            var c01 = Start(bias, j + v);
            Vector<float> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
            for (var p = 0; p < k; p++)
            {
                ref var row = ref Unsafe.Add(ref b0, (p * n) + j);
                var x0 = Vector.LoadUnsafe(ref row);
                var x1 = Vector.LoadUnsafe(ref Unsafe.Add(ref row, v));
                var s = new Vector<float>(Unsafe.Add(ref a0, p));
                c00 = Vector.FusedMultiplyAdd(s, x0, c00);
                c01 = Vector.FusedMultiplyAdd(s, x1, c01);
                s = new Vector<float>(Unsafe.Add(ref a1, p));
                c10 = Vector.FusedMultiplyAdd(s, x0, c10);
                c11 = Vector.FusedMultiplyAdd(s, x1, c11);
                s = new Vector<float>(Unsafe.Add(ref a2, p));
                c20 = Vector.FusedMultiplyAdd(s, x0, c20);
                c21 = Vector.FusedMultiplyAdd(s, x1, c21);
                s = new Vector<float>(Unsafe.Add(ref a3, p));
                c30 = Vector.FusedMultiplyAdd(s, x0, c30);
                c31 = Vector.FusedMultiplyAdd(s, x1, c31);
            }

            Store(c, (i * n) + j, v, c00, c01);
            Store(c, ((i + 1) * n) + j, v, c10, c11);
            Store(c, ((i + 2) * n) + j, v, c20, c21);
            Store(c, ((i + 3) * n) + j, v, c30, c31);
        }

        if (j < n)
        {
            for (var r = 0; r < TileRows; r++)
            {
                Columns(a.Slice((i + r) * k, k), b, bias, c.Slice((i + r) * n, n), k, n, j);
            }
        }
    }

    private static void Row1(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int k, int n) =>
        Columns(a, b, bias, c, k, n, 0);

    /// <summary>Columns <paramref name="from"/>..N of one row: one vector at a time, then scalars.</summary>
    private static void Columns(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int k, int n, int from)
    {
        var v = Vector<float>.Count;
        var j = from;
        for (; j + v <= n; j += v)
        {
            var acc = Start(bias, j);
            for (var p = 0; p < k; p++)
            {
                acc = Vector.FusedMultiplyAdd(new Vector<float>(a[p]), new Vector<float>(b.Slice((p * n) + j, v)), acc);
            }

            acc.CopyTo(c.Slice(j, v));
        }

        for (; j < n; j++)
        {
            var acc = bias.IsEmpty ? 0f : bias[j];
            for (var p = 0; p < k; p++)
            {
                acc = MathF.FusedMultiplyAdd(a[p], b[(p * n) + j], acc);
            }

            c[j] = acc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Start(ReadOnlySpan<float> bias, int j) =>
        bias.IsEmpty ? Vector<float>.Zero : new Vector<float>(bias.Slice(j, Vector<float>.Count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Span<float> c, int offset, int v, Vector<float> lo, Vector<float> hi)
    {
        lo.CopyTo(c.Slice(offset, v));
        hi.CopyTo(c.Slice(offset + v, v));
    }
}
