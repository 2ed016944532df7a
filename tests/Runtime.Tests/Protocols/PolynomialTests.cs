using Mpc.Runtime.Protocols;
using Mpc.Runtime.Rings;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Pond's ReLU and sigmoid polynomials: secure result vs the polynomial in double precision, within the documented bound.</summary>
public sealed class PolynomialTests
{
    [Theory]
    [InlineData(13, TruncationMethod.Helper)]
    [InlineData(16, TruncationMethod.Helper)]
    [InlineData(24, TruncationMethod.Helper)]
    [InlineData(0, TruncationMethod.Helper)]
    [InlineData(13, TruncationMethod.Local)]
    [InlineData(16, TruncationMethod.Local)]
    public void ReluPolynomialIsWithinItsBoundOnTheAccurateRange(int fracBits, TruncationMethod method) =>
        CheckPolynomial(PondPolynomials.Relu, fracBits, method, 14, (p, n, x, y, f) => p.Relu(n, x, y, f));

    [Theory]
    [InlineData(13, TruncationMethod.Helper)]
    [InlineData(20, TruncationMethod.Helper)]
    [InlineData(12, TruncationMethod.Local)]
    public void SigmoidPolynomialIsWithinItsBoundOnTheAccurateRange(int fracBits, TruncationMethod method) =>
        CheckPolynomial(PondPolynomials.Sigmoid, fracBits, method, 10, (p, n, x, y, f) => p.Sigmoid(n, x, y, f));

    [Fact]
    public void OutsideItsRangeTheReluPolynomialIsComputedFaithfullyButMeaningless()
    {
        // At 20 the polynomial gives about -126.8 (ReLU is 20): the protocol reproduces the polynomial, not ReLU.
        double[] inputs = [20, -20, 30, 15];
        var bound = Protocol.PolynomialErrorBound(PondPolynomials.Relu, 13, TruncationMethod.Helper, 30);
        var got = Run(c => new Pond(c), inputs, 13, (p, n, x, y, f) => p.Relu(n, x, y, f));
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.InRange(got[i] - PondPolynomials.Relu.Evaluate(inputs[i]), -bound, bound);
        }

        Assert.True(got[0] < -100, "ReLU(20) by the polynomial is far below 20");
    }

    [Fact]
    public void SecureNNSigmoidIsThePondPolynomialToo()
    {
        double[] inputs = [0, 1, -1, 4, -8];
        var got = Run(c => new SecureNN(c), inputs, 13, (p, n, x, y, f) => p.Sigmoid(n, x, y, f));
        var bound = Protocol.PolynomialErrorBound(PondPolynomials.Sigmoid, 13, TruncationMethod.Helper, 8);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.InRange(got[i] - PondPolynomials.Sigmoid.Evaluate(inputs[i]), -bound, bound);
            Assert.InRange(got[i] - (1 / (1 + Math.Exp(-inputs[i]))), -PondPolynomials.Sigmoid.MaxError - bound, PondPolynomials.Sigmoid.MaxError + bound);
        }
    }

    [Fact]
    public void TheDocumentedApproximationErrorsHold()
    {
        for (var x = -14.0; x <= 14.0; x += 1.0 / 64)
        {
            Assert.InRange(PondPolynomials.Relu.Evaluate(x) - Math.Max(x, 0), -PondPolynomials.Relu.MaxError, PondPolynomials.Relu.MaxError);
            if (Math.Abs(x) <= 8)
            {
                Assert.InRange(PondPolynomials.Sigmoid.Evaluate(x) - (1 / (1 + Math.Exp(-x))), -PondPolynomials.Sigmoid.MaxError, PondPolynomials.Sigmoid.MaxError);
            }
        }

        // The bound quoted in the docs for ReLU with helper truncation.
        Assert.InRange(Protocol.PolynomialErrorBound(PondPolynomials.Relu, 16, TruncationMethod.Helper, 14), 0, Math.ScaleB(1, -16) + Math.ScaleB(1, -13));
    }

    [Fact]
    public void ALayerOfSeveralChunksIsWithinTheBoundEverywhere()
    {
        const int FracBits = 13;
        var n = SecureNN.ChunkElements + 500;
        var random = new Random(3);
        var inputs = Enumerable.Range(0, n).Select(_ => Math.Round(((2 * random.NextDouble()) - 1) * 14 * 8192) / 8192).ToArray();
        var got = Run(c => new Pond(c), inputs, FracBits, (p, count, x, y, f) => p.Relu(count, x, y, f));
        var bound = Protocol.PolynomialErrorBound(PondPolynomials.Relu, FracBits, TruncationMethod.Helper, 14);
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(got[i] - PondPolynomials.Relu.Evaluate(inputs[i])) <= bound, $"element {i}");
        }
    }

    [Fact]
    public void FracBitsBeyondTheInternalScaleAreRejected()
    {
        var messages = ThreeParties.Run(ThreeParties.Pond, p =>
            Assert.Throws<ArgumentOutOfRangeException>(() => p.Relu(1, p.Alloc(1), p.Alloc(1), 25)).Message);
        Assert.All(messages, m => Assert.Contains("0 to 24 fractional bits", m));
    }

    private static void CheckPolynomial(PondPolynomial polynomial, int fracBits, TruncationMethod method, double range, Action<Protocol, int, ulong[], ulong[], int> op)
    {
        var ulp = Math.ScaleB(1.0, -fracBits);
        var random = new Random(fracBits);
        var inputs = new List<double> { 0, ulp, -ulp, range, -range, range - ulp, 1, -1 };
        for (var i = 0; i < 120; i++)
        {
            inputs.Add(Math.Round(((2 * random.NextDouble()) - 1) * range / ulp) * ulp);
        }

        var got = Run(c => new Pond(c) { PolynomialTruncation = method }, [.. inputs], fracBits, op);
        var bound = Protocol.PolynomialErrorBound(polynomial, fracBits, method, range);
        for (var i = 0; i < inputs.Count; i++)
        {
            var error = got[i] - polynomial.Evaluate(inputs[i]);
            Assert.True(Math.Abs(error) <= bound, $"{polynomial.Name}({inputs[i]}) off by {error}, bound {bound}");
        }
    }

    private static double[] Run(Func<PartyContext, Protocol> make, double[] inputs, int fracBits, Action<Protocol, int, ulong[], ulong[], int> op)
    {
        var encoded = inputs.Select(v => FixedPoint.Encode<ulong>(v, fracBits)).ToArray();
        var got = Shares.Compute(make, encoded, (p, s) =>
        {
            var y = p.Alloc(inputs.Length);
            op(p, inputs.Length, s, y, fracBits);
            return y;
        });
        return [.. got.Select(v => FixedPoint.Decode(v, fracBits))];
    }
}
