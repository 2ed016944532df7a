using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mpc.Runtime.Net;

namespace Mpc.Party.Sessions;

/// <summary>Builds a session message: little-endian integers, strings as a u16 byte count and UTF-8.</summary>
internal sealed class MessageWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64);

    public MessageWriter Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public MessageWriter Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public MessageWriter Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public MessageWriter Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public MessageWriter String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException("a session message string is limited to 65535 bytes", nameof(value));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), (ushort)bytes.Length);
        _buffer.Advance(2);
        return Bytes(bytes);
    }

    public MessageWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}

/// <summary>Reads a session message; every overrun is a <see cref="ChannelException"/> naming the peer.</summary>
internal sealed class MessageReader(byte[] message, string peer)
{
    private int _at;

    public byte Byte() => Take(1)[0];

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public string String()
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw Malformed("invalid UTF-8", e);
        }
    }

    public byte[] Bytes(int count) => Take(count).ToArray();

    /// <summary>Throws unless the whole message was read.</summary>
    public void End()
    {
        if (_at != message.Length)
        {
            throw Malformed($"{message.Length - _at} unexpected trailing bytes");
        }
    }

    public ChannelException Malformed(string detail, Exception? inner = null) =>
        new(peer, $"{peer} sent a malformed session message ({detail}); do both sides run the same program version?", inner);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || message.Length - _at < count)
        {
            throw Malformed("it is too short");
        }

        var span = message.AsSpan(_at, count);
        _at += count;
        return span;
    }
}
