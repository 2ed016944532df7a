namespace Mpc.Runtime.Protocols;

/// <summary>
/// TF Encrypted's polynomial approximations (Pond), with the variable scaling the secure
/// evaluation uses: p(x) = sum_k c_k x^k = sum_k (c_k s^k) u^k with u = x / s, s = 2^ScaleLog2, so
/// that every scaled coefficient and every power of u in the accurate range is of moderate size
/// and fixed point keeps their precision (TF Encrypted's raw coefficients go down to 2e-8).
/// </summary>
public sealed class PondPolynomial
{
    internal PondPolynomial(string name, double[] coefficients, int scaleLog2, double accurateBound, double maxError)
    {
        Name = name;
        Coefficients = coefficients;
        ScaleLog2 = scaleLog2;
        AccurateBound = accurateBound;
        MaxError = maxError;
        Scaled = new double[coefficients.Length];
        for (var k = 0; k < coefficients.Length; k++)
        {
            Scaled[k] = coefficients[k] * Math.Pow(Math.ScaleB(1.0, scaleLog2), k);
        }
    }

    public string Name { get; }

    /// <summary>c_0, c_1, ... (TF Encrypted's values; zero where a power is absent).</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>u = x / 2^ScaleLog2 is the variable of the secure evaluation.</summary>
    public int ScaleLog2 { get; }

    /// <summary>On [-AccurateBound, AccurateBound] the polynomial is within <see cref="MaxError"/> of the function.</summary>
    public double AccurateBound { get; }

    public double MaxError { get; }

    internal double[] Scaled { get; }

    public int Degree => Coefficients.Count - 1;

    /// <summary>The polynomial in double precision (the plaintext reference).</summary>
    public double Evaluate(double x)
    {
        var sum = 0.0;
        for (var k = Coefficients.Count - 1; k >= 0; k--)
        {
            sum = (sum * x) + Coefficients[k];
        }

        return sum;
    }
}

/// <summary>The two polynomials of TF Encrypted's Pond.</summary>
public static class PondPolynomials
{
    /// <summary>
    /// ReLU ~ 0.44015372000819103 + 0.5x + 0.11217537671414643x^2 - 0.0013660836712429923x^4
    /// + 9.009136367360004e-06x^6 - 2.1097433984e-08x^8. Within 0.4402 of max(x, 0) on [-14, 14]
    /// (the worst error is at x = 0, where it gives 0.44); beyond about 14.5 the x^8 term takes over
    /// and the value runs off (about -2.4 at 15, -147 at +-20).
    /// </summary>
    public static PondPolynomial Relu { get; } = new(
        "relu",
        [0.44015372000819103, 0.5, 0.11217537671414643, 0, -0.0013660836712429923, 0, 9.009136367360004e-06, 0, -2.1097433984e-08],
        scaleLog2: 4,
        accurateBound: 14,
        maxError: 0.4402);

    /// <summary>
    /// Sigmoid ~ 0.5 + 0.2159198015x - 0.0082176259x^3 + 0.0001825597x^5 - 0.0000018848x^7
    /// + 0.0000000072x^9. Within 0.0234 of 1 / (1 + e^-x) on [-8, 8] and 0.05 on [-10, 10]; beyond,
    /// the x^9 term takes over (about 3.9 at 12, 1797 at 20).
    /// </summary>
    public static PondPolynomial Sigmoid { get; } = new(
        "sigmoid",
        [0.5, 0.2159198015, 0, -0.0082176259, 0, 0.0001825597, 0, -0.0000018848, 0, 0.0000000072],
        scaleLog2: 3,
        accurateBound: 8,
        maxError: 0.0234);
}
