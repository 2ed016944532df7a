using Mpc.Runtime;
using Mpc.Runtime.IO;
using Mpc.Runtime.Rings;

namespace Mpc.Party.Models;

/// <summary>
/// The input provider's images: a <c>.npy</c> of float32 or float64 with shape
/// [N, compiled input shape without the batch], N a multiple of the compiled batch size; split into
/// N / batch predictions.
/// </summary>
internal sealed class ModelInput
{
    private readonly float[] _values;

    private ModelInput(string path, int images, int batchSize, int valuesPerImage, float[] values)
    {
        Path = path;
        Images = images;
        BatchSize = batchSize;
        ValuesPerImage = valuesPerImage;
        _values = values;
    }

    public string Path { get; }

    public int Images { get; }

    public int BatchSize { get; }

    public int ValuesPerImage { get; }

    /// <summary>Predictions per pass over the file.</summary>
    public int Batches => Images / BatchSize;

    /// <summary>Reads and checks <paramref name="path"/> (the <c>--input-file</c>) against the compiled model.</summary>
    public static ModelInput Load(string path, ModelDescription model)
    {
        var array = Npy.Read(path);
        if (array.SourceType is not (NpyType.Float32 or NpyType.Float64))
        {
            throw new MpcInputException($"{path}: --input-file must hold float32 or float64 values, not {array.SourceType.ToString().ToLowerInvariant()} (scale the images as the model expects and save them as float32)");
        }

        var image = model.InputShape.AsSpan()[1..];
        var expected = $"(N, {string.Join(", ", image.ToArray())}) with N a multiple of the batch size {model.BatchSize}";
        if (array.Shape.Length != model.InputShape.Length || !array.Shape.AsSpan(1).SequenceEqual(image))
        {
            throw new MpcInputException($"{path}: --input-file has shape ({string.Join(", ", array.Shape)}), the model '{model.Name}' expects {expected}");
        }

        var n = array.Shape[0];
        if (n == 0 || n % model.BatchSize != 0)
        {
            throw new MpcInputException($"{path}: --input-file holds {n} images, the model '{model.Name}' expects {expected}");
        }

        return new ModelInput(path, n, model.BatchSize, model.InputLengthPerImage, array.Data);
    }

    /// <summary>The float values of prediction <paramref name="batch"/> (the plaintext reference runs them).</summary>
    public ReadOnlySpan<float> Batch(int batch) => _values.AsSpan(batch * BatchSize * ValuesPerImage, BatchSize * ValuesPerImage);

    /// <summary>Prediction <paramref name="batch"/> in fixed point with <paramref name="fracBits"/> fractional bits.</summary>
    public ulong[] Encode(int batch, int fracBits)
    {
        var values = Batch(batch);
        var encoded = new ulong[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                encoded[i] = FixedPoint.Encode<ulong>(values[i], fracBits);
            }
            catch (OverflowException e)
            {
                // Name the position, never the value: the input is the provider's secret.
                var index = (batch * values.Length) + i;
                throw new MpcInputException($"{Path}: element {index} of --input-file is not finite or too large for 64-bit fixed point with {fracBits} fractional bits (|x| < 2^{63 - fracBits})", e);
            }
        }

        return encoded;
    }
}
