using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Mpc.Party.Models;
using Mpc.Runtime;
using Mpc.Runtime.Net;

namespace Mpc.Party.Shares;

/// <summary>
/// Reads a server's share file (<see cref="ShareFile"/>) as if it were the model owner's link:
/// every <see cref="Receive"/> returns the next frame, so <see cref="CompiledModel.Load"/> runs
/// unchanged. <see cref="Open(string, PartyRole, ModelDescription)"/> checks the whole file first
/// (structure, hash, role, model), so a bad file fails before any party connects.
/// </summary>
internal sealed class ShareFileReader : IChannel
{
    private readonly Stream _stream;
    private readonly string _name;
    private readonly int _frameCount;
    private int _framesRead;

    private ShareFileReader(Stream stream, string name, ShareFileHeader header, int frameCount)
    {
        _stream = stream;
        _name = name;
        Header = header;
        _frameCount = frameCount;
    }

    public ShareFileHeader Header { get; }

    public string PeerName => $"share file '{_name}'";

    public ChannelStats Stats { get; } = new();

    /// <summary>Opens and checks the share file at <paramref name="path"/> for <paramref name="role"/> and the compiled model.</summary>
    public static ShareFileReader Open(string path, PartyRole role, ModelDescription model)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"the share file '{path}' does not exist"
                : $"cannot read the share file '{path}': {e.Message}", e);
        }

        try
        {
            return Open(stream, path, role, model);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens a share file held in a seekable <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static ShareFileReader Open(Stream stream, string name, PartyRole role, ModelDescription model)
    {
        var (header, frames, firstFrame) = Check(stream, name);
        if (header.Role != role)
        {
            throw new MpcInputException($"'{name}' is {header.Role.ToName()}'s share of the model, but this party is {role.ToName()} (--role)");
        }

        if (header.ModelName != model.Name || header.Fingerprint != model.Fingerprint)
        {
            throw new MpcInputException(
                $"'{name}' holds shares of model '{header.ModelName}' (fingerprint {Short(header.Fingerprint)}), " +
                $"but this program is compiled for '{model.Name}' (fingerprint {Short(model.Fingerprint)})");
        }

        stream.Position = firstFrame;
        return new ShareFileReader(stream, name, header, frames);
    }

    public void Receive(Span<byte> destination)
    {
        if (_framesRead == _frameCount)
        {
            throw new MpcInputException($"'{_name}' holds {_frameCount} tensors, but the model needs more (it was written for another model)");
        }

        Span<byte> length = stackalloc byte[4];
        try
        {
            _stream.ReadExactly(length);
            var n = BinaryPrimitives.ReadUInt32LittleEndian(length);
            if (n != destination.Length)
            {
                throw new MpcInputException($"'{_name}': tensor {_framesRead + 1} holds {n} bytes where the model expects {destination.Length} (it was written for another model)");
            }

            _stream.ReadExactly(destination);
        }
        catch (IOException e)
        {
            throw new MpcInputException($"cannot read '{_name}' (tensor {_framesRead + 1}): {e.Message}", e);
        }
        _framesRead++;
        Stats.RecordReceived(destination.Length);
    }

    /// <summary>Throws unless the model read every frame of the file.</summary>
    public void EnsureFinished()
    {
        if (_framesRead != _frameCount)
        {
            throw new MpcInputException($"'{_name}' holds {_frameCount} tensors, but the model read {_framesRead} (it was written for another model)");
        }
    }

    public void Send(ReadOnlySpan<byte> frame) =>
        throw new InvalidOperationException("a share file is read by its server, not written to");

    public void Dispose() => _stream.Dispose();

    internal static string Short(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..16] + "..." : fingerprint;

    /// <summary>Reads the header and walks every frame to the end marker, checking lengths and the SHA-256.</summary>
    private static (ShareFileHeader Header, int Frames, long FirstFrame) Check(Stream stream, string name)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var total = stream.Length;

        void Read(Span<byte> destination, string what)
        {
            try
            {
                stream.ReadExactly(destination);
            }
            catch (EndOfStreamException e)
            {
                throw new MpcInputException($"'{name}' is truncated ({what} is missing)", e);
            }

            hash.AppendData(destination);
        }

        Span<byte> fixedPart = stackalloc byte[12 + ShareFile.ShareSetIdLength];
        if (total < ShareFile.Magic.Length)
        {
            throw new MpcInputException($"'{name}' is not a share file ({total} bytes; share-model writes share files)");
        }

        Read(fixedPart[..8], "the header");
        if (!fixedPart[..8].SequenceEqual(ShareFile.Magic))
        {
            throw new MpcInputException($"'{name}' is not a share file (no MPCSHARE header; share-model writes share files)");
        }

        Read(fixedPart[8..], "the header");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]);
        if (version != ShareFile.FormatVersion)
        {
            throw new MpcInputException($"'{name}' has share file format version {version}; this program reads version {ShareFile.FormatVersion}");
        }

        var role = fixedPart[10] switch
        {
            0 => PartyRole.Server0,
            1 => PartyRole.Server1,
            var other => throw new MpcInputException($"'{name}' is corrupt (role byte {other})"),
        };
        var id = fixedPart[12..].ToArray();
        var modelName = ReadString(Encoding.UTF8, "the model name");
        var fingerprint = ReadString(Encoding.ASCII, "the fingerprint");
        var firstFrame = stream.Position;

        var frames = 0;
        Span<byte> word = stackalloc byte[4];
        while (true)
        {
            Read(word, $"tensor {frames + 1} or the end marker");
            var n = BinaryPrimitives.ReadUInt32LittleEndian(word);
            if (n == ShareFile.EndMarker)
            {
                break;
            }

            if (n > ShareFile.MaxFrameBytes || stream.Position + n > total)
            {
                throw new MpcInputException($"'{name}' is truncated (tensor {frames + 1} announces {n} bytes, {Math.Max(0, total - stream.Position)} remain)");
            }

            for (long left = n; left > 0;)
            {
                var chunk = (int)Math.Min(left, buffer.Length);
                Read(buffer.AsSpan(0, chunk), $"tensor {frames + 1}");
                left -= chunk;
            }

            frames++;
        }

        Read(word, "the frame count");
        var announced = BinaryPrimitives.ReadUInt32LittleEndian(word);
        var expectedHash = hash.GetHashAndReset();
        var storedHash = new byte[32];
        try
        {
            stream.ReadExactly(storedHash);
        }
        catch (EndOfStreamException e)
        {
            throw new MpcInputException($"'{name}' is truncated (the checksum is missing)", e);
        }

        if (announced != frames || !CryptographicOperations.FixedTimeEquals(expectedHash, storedHash) || stream.Position != total)
        {
            throw new MpcInputException($"'{name}' is corrupt (its SHA-256 checksum does not match; write it again with share-model)");
        }

        return (new ShareFileHeader(role, id, modelName, fingerprint), frames, firstFrame);

        string ReadString(Encoding encoding, string what)
        {
            Span<byte> length = stackalloc byte[2];
            Read(length, what);
            var bytes = new byte[BinaryPrimitives.ReadUInt16LittleEndian(length)];
            Read(bytes, what);
            return encoding.GetString(bytes);
        }
    }
}
