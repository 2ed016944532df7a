using System.Buffers.Binary;

namespace Mpc.TestSupport;

/// <summary>An IDX tensor (the uTensor fixtures' format): shape and values as float (int32 exactly up to 2^24).</summary>
public sealed record IdxArray(int[] Shape, float[] Values);

/// <summary>
/// Reads IDX files: bytes 0, 0, type (0x0D float32, 0x0C int32, 0x08 uint8), rank, then rank
/// big-endian uint32 dimensions, then big-endian data.
/// </summary>
public static class Idx
{
    public static IdxArray Read(string path)
    {
        var b = File.ReadAllBytes(path);
        if (b.Length < 4 || b[0] != 0 || b[1] != 0)
        {
            throw new InvalidDataException($"{path}: not an IDX file");
        }

        var rank = b[3];
        var shape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            shape[i] = (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(4 + (4 * i)));
        }

        var count = shape.Aggregate(1, (p, d) => p * d);
        var data = b.AsSpan(4 + (4 * rank));
        var (size, read) = b[2] switch
        {
            0x0D => (4, (Func<byte[], int, float>)((bytes, o) => BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(o)))),
            0x0C => (4, (bytes, o) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(o))),
            0x08 => (1, (bytes, o) => bytes[o]),
            _ => throw new InvalidDataException($"{path}: IDX type 0x{b[2]:X2} is not supported"),
        };

        if (data.Length != count * size)
        {
            throw new InvalidDataException($"{path}: {data.Length} data bytes for shape [{string.Join(",", shape)}]");
        }

        var start = 4 + (4 * rank);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = read(b, start + (i * size));
        }

        return new IdxArray(shape, values);
    }
}
