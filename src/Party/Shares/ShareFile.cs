using System.Buffers.Binary;
using System.Text;
using Mpc.Runtime.Net;

namespace Mpc.Party.Shares;

/// <summary>
/// The share file format: what <c>share-model</c> writes for one server and what that server's
/// <c>party</c> process loads the model from. It holds exactly the frames the model owner would
/// have sent that server over a link (<see cref="Runtime.Protocols.ClientSharing.Share"/>: a 16-byte
/// seed per tensor for server0, W - PRG(seed) for server1), so a server reads it through
/// <see cref="ShareFileReader"/> (an <see cref="IChannel"/>) and loads exactly as from a live owner.
/// </summary>
/// <remarks>
/// Layout, little-endian:
/// <code>
/// magic "MPCSHARE" (8) | format version u16 | role u8 (0 server0, 1 server1) | reserved u8
/// share set id (16 random bytes, the same in both files of one share-model run)
/// model name: u16 length + UTF-8 | fingerprint: u16 length + ASCII
/// frames: u32 length + bytes, repeated
/// end: u32 0xFFFFFFFF | u32 frame count | SHA-256 of every byte before it (32)
/// </code>
/// The share set id lets the two servers check that their files belong together: a server0 file
/// from one run and a server1 file from another would reconstruct meaningless weights silently.
/// The hash catches truncation and corruption before the model load starts.
/// </remarks>
internal static class ShareFile
{
    public const ushort FormatVersion = 1;
    public const int ShareSetIdLength = 16;
    public const uint EndMarker = 0xFFFFFFFF;

    /// <summary>Frames larger than this are refused (a corrupt length field, not a real tensor).</summary>
    public const int MaxFrameBytes = int.MaxValue - 64;

    public static ReadOnlySpan<byte> Magic => "MPCSHARE"u8;

    /// <summary>The file name share-model writes for <paramref name="role"/>.</summary>
    public static string FileName(PartyRole role) => role.ToName() + ".share";

    /// <summary>The header bytes (everything before the first frame).</summary>
    public static byte[] EncodeHeader(ShareFileHeader header)
    {
        var name = Encoding.UTF8.GetBytes(header.ModelName);
        var fingerprint = Encoding.ASCII.GetBytes(header.Fingerprint);
        if (name.Length > ushort.MaxValue || fingerprint.Length > ushort.MaxValue || header.ShareSetId.Length != ShareSetIdLength)
        {
            throw new ArgumentException("model name, fingerprint or share set id out of range", nameof(header));
        }

        var bytes = new byte[12 + ShareSetIdLength + 2 + name.Length + 2 + fingerprint.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], FormatVersion);
        span[10] = (byte)header.Role;
        span[11] = 0;
        header.ShareSetId.CopyTo(span[12..]);
        var at = 12 + ShareSetIdLength;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)name.Length);
        name.CopyTo(span[(at + 2)..]);
        at += 2 + name.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)fingerprint.Length);
        fingerprint.CopyTo(span[(at + 2)..]);
        return bytes;
    }
}

/// <summary>What a share file says about itself.</summary>
/// <param name="Role">The server whose share it is (server0 or server1).</param>
/// <param name="ShareSetId">Random, identical in the two files of one share-model run.</param>
internal sealed record ShareFileHeader(PartyRole Role, byte[] ShareSetId, string ModelName, string Fingerprint);
