using System.Net.Sockets;

namespace Mpc.Runtime.Net;

/// <summary>
/// A full-duplex stream over a connected blocking socket with separate read and write buffers, so
/// that one thread may read while another writes (which <see cref="BufferedStream"/> does not
/// allow). Small writes (TLS records of 16 KiB, frame headers) are gathered into one send at
/// <see cref="Flush"/>; reads of less than the buffer fill it with one receive. This keeps the
/// number of system calls per megabyte small.
/// </summary>
internal sealed class SocketStream : Stream
{
    private const int BufferSize = 256 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _readBuffer = GC.AllocateUninitializedArray<byte>(BufferSize);
    private readonly byte[] _writeBuffer = GC.AllocateUninitializedArray<byte>(BufferSize);
    private int _readPosition;
    private int _readLength;
    private int _writeLength;

    public SocketStream(Socket socket) => _socket = socket;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_readPosition == _readLength)
        {
            // A large read goes straight to the caller's memory; a small one fills the buffer.
            if (buffer.Length >= BufferSize)
            {
                return _socket.Receive(buffer, SocketFlags.None);
            }

            _readPosition = 0;
            _readLength = _socket.Receive(_readBuffer, SocketFlags.None);
            if (_readLength == 0)
            {
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _readLength - _readPosition);
        _readBuffer.AsSpan(_readPosition, n).CopyTo(buffer);
        _readPosition += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_writeLength + buffer.Length <= BufferSize)
        {
            buffer.CopyTo(_writeBuffer.AsSpan(_writeLength));
            _writeLength += buffer.Length;
            return;
        }

        Flush();
        if (buffer.Length >= BufferSize)
        {
            SendAll(buffer);
        }
        else
        {
            buffer.CopyTo(_writeBuffer);
            _writeLength = buffer.Length;
        }
    }

    public override void Flush()
    {
        if (_writeLength > 0)
        {
            SendAll(_writeBuffer.AsSpan(0, _writeLength));
            _writeLength = 0;
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void SendAll(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            data = data[_socket.Send(data, SocketFlags.None)..];
        }
    }
}
