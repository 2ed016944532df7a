namespace Mpc.Runtime.Kernels;

/// <summary>
/// Fixed geometry of a 2-D convolution over NHWC input with an HWIO filter (TensorFlow's layouts).
/// Padding is explicit (SAME is resolved to top/left/bottom/right amounts by the frontend), dilation is 1.
/// Shared by the float kernels (plaintext path), the ring kernels (secure path) and the emitter.
/// </summary>
public readonly record struct Conv2DGeometry(
    int Batch,
    int InH,
    int InW,
    int InC,
    int OutC,
    int KH,
    int KW,
    int StrideH,
    int StrideW,
    int PadTop,
    int PadLeft,
    int PadBottom,
    int PadRight)
{
    // A stride below 1 gives 0 (invalid, caught by Validate) rather than throwing from ToString.
    public int OutH => StrideH < 1 ? 0 : ((InH + PadTop + PadBottom - KH) / StrideH) + 1;
    public int OutW => StrideW < 1 ? 0 : ((InW + PadLeft + PadRight - KW) / StrideW) + 1;
    public int InputLength => Batch * InH * InW * InC;
    public int FilterLength => KH * KW * InC * OutC;
    public int OutputLength => Batch * OutH * OutW * OutC;

    /// <summary>Multiply-accumulates of one evaluation (zero padding included).</summary>
    public long Macs => (long)Batch * OutH * OutW * OutC * KH * KW * InC;

    /// <summary>Throws <see cref="ArgumentException"/> unless every dimension is usable.</summary>
    public void Validate()
    {
        if (Batch < 1 || InH < 1 || InW < 1 || InC < 1 || OutC < 1 || KH < 1 || KW < 1 ||
            StrideH < 1 || StrideW < 1 || PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0 ||
            OutH < 1 || OutW < 1)
        {
            throw new ArgumentException($"invalid convolution geometry {this}");
        }
    }
}
