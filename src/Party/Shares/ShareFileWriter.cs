using System.Buffers.Binary;
using System.Security.Cryptography;
using Mpc.Runtime;
using Mpc.Runtime.Net;

namespace Mpc.Party.Shares;

/// <summary>
/// Writes one server's share file (<see cref="ShareFile"/>) as the model owner's link to that server:
/// every <see cref="Send"/> is one frame. A file is written to an owner-only (0600) temporary file
/// in the target folder and renamed into place by <see cref="Commit"/>, so a failed run leaves
/// nothing behind and an existing file is never replaced.
/// </summary>
internal sealed class ShareFileWriter : IChannel
{
    private readonly Stream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string? _temporaryPath;
    private readonly string? _finalPath;
    private int _frames;
    private bool _committed;

    private ShareFileWriter(Stream stream, ShareFileHeader header, string? temporaryPath, string? finalPath)
    {
        _stream = stream;
        _temporaryPath = temporaryPath;
        _finalPath = finalPath;
        Header = header;
        Write(ShareFile.EncodeHeader(header));
    }

    public ShareFileHeader Header { get; }

    /// <summary>The server the share is for: the frames are what it would receive from the model owner.</summary>
    public string PeerName => Header.Role.ToName();

    public ChannelStats Stats { get; } = new();

    /// <summary>A share file held in <paramref name="stream"/> (the single-process predict mode keeps it in memory).</summary>
    public static ShareFileWriter ToStream(Stream stream, ShareFileHeader header) => new(stream, header, null, null);

    /// <summary>A share file at <paramref name="path"/>, which must not exist yet.</summary>
    public static ShareFileWriter ToFile(string path, ShareFileHeader header)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new MpcInputException($"'{path}' already exists; remove it or choose another --out folder");
        }

        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            // The file is a secret share: owner-only from the moment it exists.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new ShareFileWriter(new FileStream(temporary, options), header, temporary, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException($"cannot write '{path}': {e.Message}", e);
        }
    }

    public void Send(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)frame.Length);
        Write(length);
        Write(frame);
        _frames++;
        Stats.RecordSent(frame.Length);
    }

    public void Receive(Span<byte> destination) =>
        throw new InvalidOperationException("a share file is written by the model owner, not read from");

    /// <summary>Writes the end marker, frame count and hash; a file is then flushed to disk and renamed into place.</summary>
    public void Commit()
    {
        Span<byte> end = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(end, ShareFile.EndMarker);
        BinaryPrimitives.WriteUInt32LittleEndian(end[4..], (uint)_frames);
        Write(end);
        _stream.Write(_hash.GetHashAndReset());
        _committed = true;
        if (_finalPath is null)
        {
            _stream.Flush();
            return;
        }

        try
        {
            if (_stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }

            _stream.Dispose();
            File.Move(_temporaryPath!, _finalPath, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(_temporaryPath!);
            throw new MpcInputException(File.Exists(_finalPath)
                ? $"'{_finalPath}' appeared while it was being written; remove it or choose another --out folder"
                : $"cannot write '{_finalPath}': {e.Message}", e);
        }
    }

    /// <summary>Closes the file; an uncommitted file is deleted.</summary>
    public void Dispose()
    {
        _hash.Dispose();
        if (_finalPath is null)
        {
            return;
        }

        _stream.Dispose();
        if (!_committed && File.Exists(_temporaryPath))
        {
            File.Delete(_temporaryPath);
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _stream.Write(bytes);
        }
        catch (IOException e)
        {
            throw new MpcInputException($"cannot write the share file for {Header.Role.ToName()}{(_finalPath is null ? "" : $" '{_finalPath}'")}: {e.Message}", e);
        }

        _hash.AppendData(bytes);
    }
}
