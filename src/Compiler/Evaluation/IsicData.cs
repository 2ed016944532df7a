using System.Globalization;
using Mpc.Compiler.Ir;
using Mpc.Runtime;
using Mpc.Runtime.IO;

namespace Mpc.Compiler.Evaluation;

/// <summary>One image of the data set: its row in the image array, its file name, its label and split.</summary>
public sealed record IsicCase(int Index, string Image, bool Melanoma, string Split);

/// <summary>
/// The ISIC melanoma/nevus data set as ../shared/data/isic stores it: <c>labels.csv</c>
/// (<c>index,image,diagnosis,melanoma,split</c>) and <c>images_200.npy</c> (uint8 NHWC RGB), with the
/// model's preprocessing: x = (u / 255 - mean[c]) / std[c] in float32 with the ImageNet mean and std,
/// exactly as models/skin_cancer/MODEL_CARD.md specifies (each operation correctly rounded in float32,
/// no fused multiply-add), so inputs are bit-identical to the Python side's.
/// </summary>
public sealed class IsicData
{
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private readonly NpyArray _images;

    private IsicData(IReadOnlyList<IsicCase> cases, NpyArray images, string folder)
    {
        Cases = cases;
        _images = images;
        Folder = folder;
    }

    public string Folder { get; }

    public IReadOnlyList<IsicCase> Cases { get; }

    public int ImageSize => _images.Shape[1];

    public static IsicData Load(string folder, string imagesFile = "images_200.npy")
    {
        var labels = Path.Combine(folder, "labels.csv");
        if (!File.Exists(labels))
        {
            throw new MpcInputException($"--data {folder}: no labels.csv there (expected the ISIC folder: labels.csv and {imagesFile})");
        }

        var images = Npy.Read(Path.Combine(folder, imagesFile));
        if (images.Shape is not [_, var h, var w, 3] || h != w)
        {
            throw new MpcInputException($"{Path.Combine(folder, imagesFile)}: shape [{string.Join(",", images.Shape)}] is not N square RGB images");
        }

        var cases = new List<IsicCase>();
        var lines = File.ReadAllLines(labels);
        var header = lines.Length > 0 ? lines[0].Split(',') : [];
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new MpcInputException($"{labels}: no '{name}' column in the header '{(lines.Length > 0 ? lines[0] : "")}'");
        int index = Column("index"), image = Column("image"), melanoma = Column("melanoma"), split = Column("split");
        for (var row = 1; row < lines.Length; row++)
        {
            if (lines[row].Length == 0)
            {
                continue;
            }

            var f = lines[row].Split(',');
            if (f.Length < header.Length || !int.TryParse(f[index], NumberStyles.None, CultureInfo.InvariantCulture, out var i) ||
                i < 0 || i >= images.Shape[0] || f[melanoma] is not ("0" or "1"))
            {
                throw new MpcInputException($"{labels}:{row + 1}: malformed row '{lines[row]}'");
            }

            cases.Add(new IsicCase(i, f[image], f[melanoma] == "1", f[split]));
        }

        return new IsicData(cases, images, folder);
    }

    /// <summary>The cases of one split ("train", "val", "test"), in row order.</summary>
    public IReadOnlyList<IsicCase> Split(string split)
    {
        var cases = Cases.Where(c => c.Split == split).OrderBy(c => c.Index).ToList();
        return cases.Count > 0
            ? cases
            : throw new MpcInputException($"--split {split}: no such split in {Path.Combine(Folder, "labels.csv")} (splits: {string.Join(", ", Cases.Select(c => c.Split).Distinct())})");
    }

    /// <summary>The preprocessed image as a [1, S, S, 3] tensor.</summary>
    public Tensor Input(IsicCase c)
    {
        var s = ImageSize;
        var n = s * s * 3;
        var source = _images.Data.AsSpan(c.Index * n, n);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            var channel = i % 3;
            x[i] = ((source[i] / 255f) - Mean[channel]) / Std[channel];
        }

        return Tensor.Own(Shape.Of(1, s, s, 3), x);
    }
}
