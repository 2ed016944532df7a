namespace Mpc.Runtime.Kernels;

/// <summary>
/// Fixed geometry of a 2-D pooling window over NHWC input (channels pooled independently).
/// Padding is explicit; padded positions never contribute (TensorFlow's AvgPool SAME divides by the
/// number of valid elements, MaxPool SAME ignores padding).
/// </summary>
public readonly record struct PoolGeometry(
    int Batch,
    int InH,
    int InW,
    int Channels,
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
    public int InputLength => Batch * InH * InW * Channels;
    public int OutputLength => Batch * OutH * OutW * Channels;

    /// <summary>True when every window lies inside the input, so every window has KH*KW elements.</summary>
    public bool AllWindowsFull =>
        PadTop == 0 && PadLeft == 0 && (OutH - 1) * StrideH + KH <= InH && (OutW - 1) * StrideW + KW <= InW;

    public void Validate()
    {
        if (Batch < 1 || InH < 1 || InW < 1 || Channels < 1 || KH < 1 || KW < 1 || StrideH < 1 ||
            StrideW < 1 || PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0 || OutH < 1 || OutW < 1)
        {
            throw new ArgumentException($"invalid pooling geometry {this}");
        }
    }
}
