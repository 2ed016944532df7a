using System.Numerics;
using Mpc.Runtime.Kernels;
using Xunit;
using static Mpc.Runtime.Tests.Kernels.RingReference;

namespace Mpc.Runtime.Tests.Kernels;

/// <summary>
/// Every elementwise kernel, at every register width, for ulong (Z_2^64) and uint (Z_2^32), at every
/// length 0 .. 4 vectors + 3, against BigInteger arithmetic reduced mod 2^k; out of place and in place.
/// </summary>
public sealed class RingOpsTests
{
    private delegate void BinaryKernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination, VectorWidth width);

    private delegate void UnaryKernel<T>(ReadOnlySpan<T> x, Span<T> destination, VectorWidth width);

    public static TheoryData<int> AllWidths => Widths();

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void AddMatchesReference(int width)
    {
        CheckBinary<ulong>(width, RingOps.Binary<ulong, AddOperator<ulong>>, (a, b) => a + b);
        CheckBinary<uint>(width, RingOps.Binary<uint, AddOperator<uint>>, (a, b) => a + b);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void SubMatchesReference(int width)
    {
        CheckBinary<ulong>(width, RingOps.Binary<ulong, SubOperator<ulong>>, (a, b) => a - b);
        CheckBinary<uint>(width, RingOps.Binary<uint, SubOperator<uint>>, (a, b) => a - b);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void MulMatchesReference(int width)
    {
        CheckBinary<ulong>(width, RingOps.Binary<ulong, MulOperator<ulong>>, (a, b) => a * b);
        CheckBinary<uint>(width, RingOps.Binary<uint, MulOperator<uint>>, (a, b) => a * b);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void XorAndMatchReference(int width)
    {
        CheckBinary<ulong>(width, RingOps.Binary<ulong, XorOperator<ulong>>, (a, b) => a ^ b);
        CheckBinary<uint>(width, RingOps.Binary<uint, XorOperator<uint>>, (a, b) => a ^ b);
        CheckBinary<ulong>(width, RingOps.Binary<ulong, AndOperator<ulong>>, (a, b) => a & b);
        CheckBinary<uint>(width, RingOps.Binary<uint, AndOperator<uint>>, (a, b) => a & b);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void NegMatchesReference(int width)
    {
        CheckUnary<ulong>(width, (x, d, w) => RingOps.Unary(x, d, default(NegOperator<ulong>), w), a => -a);
        CheckUnary<uint>(width, (x, d, w) => RingOps.Unary(x, d, default(NegOperator<uint>), w), a => -a);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void ScalarOperandsMatchReference(int width)
    {
        const ulong C64 = 0x9E37_79B9_7F4A_7C15;
        const uint C32 = 0x9E37_79B9;
        CheckUnary<ulong>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<ulong, AddOperator<ulong>>(C64), w), a => a + C64);
        CheckUnary<uint>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<uint, AddOperator<uint>>(C32), w), a => a + C32);
        CheckUnary<ulong>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<ulong, MulOperator<ulong>>(C64), w), a => a * C64);
        CheckUnary<uint>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<uint, MulOperator<uint>>(C32), w), a => a * C32);
        CheckUnary<ulong>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<ulong, ReverseSubOperator<ulong>>(C64), w), a => C64 - a);
        CheckUnary<uint>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<uint, ReverseSubOperator<uint>>(C32), w), a => C32 - a);
        CheckUnary<ulong>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<ulong, XorOperator<ulong>>(C64), w), a => a ^ C64);
        CheckUnary<uint>(width, (x, d, w) => RingOps.Unary(x, d, new WithScalar<uint, AndOperator<uint>>(C32), w), a => a & C32);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void ShiftsMatchReferenceAtEveryCount(int width)
    {
        CheckShifts<ulong>(width);
        CheckShifts<uint>(width);
    }

    [Fact]
    public void PublicEntryPointsMatchReference()
    {
        var rng = new Random(7);
        foreach (var n in Lengths<ulong>())
        {
            var x = Random<ulong>(rng, n);
            var y = Random<ulong>(rng, n);
            var d = new ulong[n];
            RingOps.Add<ulong>(x, y, d);
            Equal<ulong>(x.Zip(y, (a, b) => a + b).ToArray(), d, "Add");
            RingOps.Sub<ulong>(x, y, d);
            Equal<ulong>(x.Zip(y, (a, b) => a - b).ToArray(), d, "Sub");
            RingOps.Mul<ulong>(x, y, d);
            Equal<ulong>(x.Zip(y, (a, b) => a * b).ToArray(), d, "Mul");
            RingOps.Neg<ulong>(x, d);
            Equal<ulong>(x.Select(a => 0 - a).ToArray(), d, "Neg");
            RingOps.Xor<ulong>(x, y, d);
            Equal<ulong>(x.Zip(y, (a, b) => a ^ b).ToArray(), d, "Xor");
            RingOps.And<ulong>(x, y, d);
            Equal<ulong>(x.Zip(y, (a, b) => a & b).ToArray(), d, "And");
            RingOps.AddScalar<ulong>(x, 5, d);
            Equal<ulong>(x.Select(a => a + 5).ToArray(), d, "AddScalar");
            RingOps.MulScalar<ulong>(x, 3, d);
            Equal<ulong>(x.Select(a => a * 3).ToArray(), d, "MulScalar");
            RingOps.SubFromScalar<ulong>(1, x, d);
            Equal<ulong>(x.Select(a => 1 - a).ToArray(), d, "SubFromScalar");
            RingOps.XorScalar<ulong>(x, ulong.MaxValue, d);
            Equal<ulong>(x.Select(a => ~a).ToArray(), d, "XorScalar");
            RingOps.AndScalar<ulong>(x, 0xFF, d);
            Equal<ulong>(x.Select(a => a & 0xFF).ToArray(), d, "AndScalar");
            RingOps.ShiftRightArithmetic<ulong>(x, 13, d);
            Equal<ulong>(x.Select(a => (ulong)((long)a >> 13)).ToArray(), d, "ShiftRightArithmetic");
            RingOps.ShiftRightLogical<ulong>(x, 13, d);
            Equal<ulong>(x.Select(a => a >> 13).ToArray(), d, "ShiftRightLogical");
            RingOps.ShiftLeft<ulong>(x, 13, d);
            Equal<ulong>(x.Select(a => a << 13).ToArray(), d, "ShiftLeft");
        }
    }

    [Fact]
    public void LengthMismatchAndBadShiftCountsThrow()
    {
        var a = new ulong[8];
        var b = new ulong[7];
        Assert.Throws<ArgumentException>(() => RingOps.Add<ulong>(a, b, a));
        Assert.Throws<ArgumentException>(() => RingOps.Neg<ulong>(a, b));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.ShiftLeft<ulong>(a, 64, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.ShiftRightArithmetic<uint>(new uint[1], 32, new uint[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.ShiftRightLogical<ulong>(a, -1, a));
    }

    private static void CheckBinary<T>(int width, BinaryKernel<T> kernel, Func<BigInteger, BigInteger, BigInteger> reference)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var rng = new Random(width + Bits<T>());
        foreach (var n in Lengths<T>())
        {
            var x = Random<T>(rng, n);
            var y = Random<T>(rng, n);
            var expected = x.Zip(y, (a, b) => FromBig<T>(reference(ToBig(a), ToBig(b)))).ToArray();
            var d = new T[n];
            kernel(x, y, d, (VectorWidth)width);
            Equal<T>(expected, d, $"{typeof(T).Name} width {width} length {n}");

            kernel(x, y, x, (VectorWidth)width);
            Equal<T>(expected, x, $"{typeof(T).Name} width {width} length {n} in place");
        }
    }

    private static void CheckUnary<T>(int width, UnaryKernel<T> kernel, Func<BigInteger, BigInteger> reference)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var rng = new Random(width + Bits<T>());
        foreach (var n in Lengths<T>())
        {
            var x = Random<T>(rng, n);
            var expected = x.Select(a => FromBig<T>(reference(ToBig(a)))).ToArray();
            var d = new T[n];
            kernel(x, d, (VectorWidth)width);
            Equal<T>(expected, d, $"{typeof(T).Name} width {width} length {n}");

            kernel(x, x, (VectorWidth)width);
            Equal<T>(expected, x, $"{typeof(T).Name} width {width} length {n} in place");
        }
    }

    private static void CheckShifts<T>(int width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        for (var bits = 0; bits < Bits<T>(); bits++)
        {
            var s = bits;
            var two = BigInteger.One << s;
            CheckUnary<T>(width, (x, d, w) => RingOps.Unary(x, d, new ShiftLeftOperator<T>(s), w), a => a * two);
            CheckUnary<T>(width, (x, d, w) => RingOps.Unary(x, d, new ShiftRightLogicalOperator<T>(s), w), a => a / two);
            // Floor division of the signed reading: what an arithmetic shift is.
            CheckUnary<T>(
                width,
                (x, d, w) => RingOps.Unary(x, d, new ShiftRightArithmeticOperator<T>(s), w),
                a => BigInteger.Divide(SignedOf<T>(a) - (SignedOf<T>(a) < 0 ? two - 1 : 0), two));
        }
    }

    private static BigInteger SignedOf<T>(BigInteger a)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => Signed(FromBig<T>(a));
}
