using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Mpc.Runtime.IO;

/// <summary>Element types of .npy files we read and write.</summary>
public enum NpyType
{
    Float32,
    Float64,
    UInt8,
}

/// <summary>An array read from a .npy file, converted to float32 (uint8 and float64 values convert exactly or to nearest).</summary>
public sealed record NpyArray(int[] Shape, float[] Data, NpyType SourceType);

/// <summary>
/// NumPy's .npy format (versions 1 to 3): magic, a Python-literal header with descr, fortran_order
/// and shape, then the raw data. Only C order; float32, float64 and uint8 in either byte order.
/// Every problem is an <see cref="MpcInputException"/> naming the file.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path) => Parse(InputFiles.ReadAllBytes(path, "the array"), path);

    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw new MpcInputException($"{path}: not a .npy file (no \\x93NUMPY magic)");
        }

        var major = bytes[6];
        int headerLength, start;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                start = 10;
                break;
            case 2 or 3 when bytes.Length >= 12:
                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
                start = 12;
                break;
            default:
                throw new MpcInputException($"{path}: unsupported .npy version {major}");
        }

        if (start + headerLength > bytes.Length)
        {
            throw new MpcInputException($"{path}: truncated .npy header");
        }

        var header = Encoding.Latin1.GetString(bytes.Slice(start, headerLength));
        var descr = Field(header, "descr", path).Trim('\'', '"');
        var fortran = Field(header, "fortran_order", path);
        var shape = ParseShape(Field(header, "shape", path), path);
        if (fortran != "False")
        {
            throw new MpcInputException($"{path}: fortran_order is {fortran}; only C-order arrays are supported (use numpy.ascontiguousarray)");
        }

        var (type, size, bigEndian) = descr switch
        {
            "<f4" => (NpyType.Float32, 4, false),
            ">f4" => (NpyType.Float32, 4, true),
            "<f8" => (NpyType.Float64, 8, false),
            ">f8" => (NpyType.Float64, 8, true),
            "|u1" or "<u1" or ">u1" => (NpyType.UInt8, 1, false),
            _ => throw new MpcInputException($"{path}: dtype '{descr}' is not supported (float32, float64 or uint8)"),
        };

        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        var data = bytes[(start + headerLength)..];
        if (count > int.MaxValue || data.Length != count * size)
        {
            throw new MpcInputException($"{path}: holds {data.Length} data bytes, shape ({string.Join(", ", shape)}) of {descr} needs {count * size}");
        }

        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            var b = data.Slice(i * size, size);
            values[i] = type switch
            {
                NpyType.Float32 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
                NpyType.Float64 => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
                _ => b[0],
            };
        }

        return new NpyArray(shape, values, type);
    }

    /// <summary>Writes a C-order .npy (version 1) atomically: a temporary file in the same folder, then a rename.</summary>
    public static void Write(string path, ReadOnlySpan<int> shape, ReadOnlySpan<float> values, NpyType type = NpyType.Float32)
    {
        var bytes = Encode(shape, values, type);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }

            throw new MpcInputException($"{path}: cannot write: {e.Message}", e);
        }
    }

    /// <summary>The bytes of a version 1 .npy file; the header is padded so the data starts at a multiple of 64.</summary>
    public static byte[] Encode(ReadOnlySpan<int> shape, ReadOnlySpan<float> values, NpyType type = NpyType.Float32)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"shape needs {count} values, got {values.Length}");
        }

        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var descr = type switch { NpyType.Float32 => "<f4", NpyType.Float64 => "<f8", _ => "|u1" };
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        var padded = dict.PadRight((((10 + dict.Length + 1 + 63) / 64) * 64) - 10 - 1) + "\n";
        var size = type switch { NpyType.Float32 => 4, NpyType.Float64 => 8, _ => 1 };
        var bytes = new byte[10 + padded.Length + (values.Length * size)];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded.Length);
        Encoding.Latin1.GetBytes(padded, bytes.AsSpan(10));
        var data = bytes.AsSpan(10 + padded.Length);
        for (var i = 0; i < values.Length; i++)
        {
            switch (type)
            {
                case NpyType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], values[i]);
                    break;
                case NpyType.Float64:
                    BinaryPrimitives.WriteDoubleLittleEndian(data[(i * 8)..], values[i]);
                    break;
                default:
                    data[i] = (byte)Math.Clamp(MathF.Round(values[i]), 0, 255);
                    break;
            }
        }

        return bytes;
    }

    /// <summary>The text after <c>'key':</c> up to the next top-level comma (tuples kept whole).</summary>
    private static string Field(string header, string key, string path)
    {
        var at = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (at < 0)
        {
            at = header.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        }

        var colon = at < 0 ? -1 : header.IndexOf(':', at);
        if (colon < 0)
        {
            throw new MpcInputException($"{path}: .npy header has no '{key}' ({header.Trim()})");
        }

        var depth = 0;
        var end = colon + 1;
        for (; end < header.Length; end++)
        {
            var ch = header[end];
            if (ch == '(')
            {
                depth++;
            }
            else if (ch == ')')
            {
                depth--;
            }
            else if ((ch == ',' || ch == '}') && depth == 0)
            {
                break;
            }
        }

        return header[(colon + 1)..end].Trim();
    }

    private static int[] ParseShape(string text, string path)
    {
        if (!text.StartsWith('(') || !text.EndsWith(')'))
        {
            throw new MpcInputException($"{path}: .npy shape '{text}' is not a tuple");
        }

        var parts = text[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].TrimEnd('L');
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw new MpcInputException($"{path}: .npy shape '{text}' has a bad dimension '{parts[i]}'");
            }
        }

        return dims;
    }
}
