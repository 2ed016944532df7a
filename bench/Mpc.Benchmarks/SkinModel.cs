using Mpc.Runtime.Kernels;

namespace Mpc.Benchmarks;

/// <summary>The VGG16-like skin model's conv layers (200x200x3 input, 3x3 SAME stride 1), one per distinct shape.</summary>
public static class SkinModel
{
    /// <summary>"HxW:Cin->Cout" for each distinct layer shape, in network order.</summary>
    public static readonly string[] Layers =
    [
        "200:3->64", "200:64->64", "100:64->128", "100:128->128", "50:128->256", "50:256->256", "25:256->512", "25:512->512", "12:512->512",
    ];

    public static Conv2DGeometry Geometry(string layer)
    {
        var colon = layer.IndexOf(':', StringComparison.Ordinal);
        var arrow = layer.IndexOf("->", StringComparison.Ordinal);
        var hw = int.Parse(layer[..colon], System.Globalization.CultureInfo.InvariantCulture);
        var cin = int.Parse(layer[(colon + 1)..arrow], System.Globalization.CultureInfo.InvariantCulture);
        var cout = int.Parse(layer[(arrow + 2)..], System.Globalization.CultureInfo.InvariantCulture);
        return new Conv2DGeometry(1, hw, hw, cin, cout, 3, 3, 1, 1, 1, 1, 1, 1);
    }

    public static T[] Random<T>(int length, int seed)
        where T : unmanaged
    {
        var values = new T[length];
        new Random(seed).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
