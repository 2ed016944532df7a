using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Mpc.Runtime.Crypto;

/// <summary>
/// AES-128 on x86 AES-NI. The key schedule is expanded with <c>aeskeygenassist</c> (FIPS 197 §5.2);
/// blocks are encrypted eight at a time because <c>aesenc</c> has a latency of about four cycles
/// and a throughput of one or two per cycle, so eight independent blocks keep the unit busy.
/// </summary>
/// <remarks>
/// .NET 10 exposes no VAES (<c>Aes.V256</c>/<c>Aes.V512</c> do not exist; only <c>Pclmulqdq</c> got
/// wide forms), so this is 128-bit AES-NI. The round keys live in this object: they are as secret as
/// the seed and never leave it.
/// </remarks>
internal sealed class AesNiCore : Aes128Core
{
    private const int Rounds = 10;
    private const int Lanes = 8;

    private RoundKeys _keys;

    public AesNiCore(ReadOnlySpan<byte> key)
    {
        if (!X86Aes.IsSupported)
        {
            throw new PlatformNotSupportedException("this CPU has no AES-NI");
        }

        var k = Vector128.Create(key);
        _keys[0] = k;
        _keys[1] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x01));
        _keys[2] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x02));
        _keys[3] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x04));
        _keys[4] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x08));
        _keys[5] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x10));
        _keys[6] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x20));
        _keys[7] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x40));
        _keys[8] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x80));
        _keys[9] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x1b));
        _keys[10] = ExpandStep(k, X86Aes.KeygenAssist(k, 0x36));
    }

    public override AesImplementation Implementation => AesImplementation.AesNi;

    public override void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output)
    {
        CheckWholeBlocks(input.Length);
        if (output.Length < input.Length)
        {
            throw new ArgumentException("the output is shorter than the input", nameof(output));
        }

        ref var src = ref MemoryMarshal.GetReference(input);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var blocks = (nuint)(input.Length / BlockLength);
        nuint i = 0;
        for (; i + Lanes <= blocks; i += Lanes)
        {
            var offset = i * BlockLength;
            Encrypt8(
                ref dst,
                offset,
                Vector128.LoadUnsafe(ref src, offset),
                Vector128.LoadUnsafe(ref src, offset + 16),
                Vector128.LoadUnsafe(ref src, offset + 32),
                Vector128.LoadUnsafe(ref src, offset + 48),
                Vector128.LoadUnsafe(ref src, offset + 64),
                Vector128.LoadUnsafe(ref src, offset + 80),
                Vector128.LoadUnsafe(ref src, offset + 96),
                Vector128.LoadUnsafe(ref src, offset + 112));
        }

        for (; i < blocks; i++)
        {
            Encrypt1(Vector128.LoadUnsafe(ref src, i * BlockLength)).StoreUnsafe(ref dst, i * BlockLength);
        }
    }

    public override void LittleEndianCounterKeystream(ulong firstBlock, Span<byte> output)
    {
        CheckWholeBlocks(output.Length);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var blocks = (nuint)(output.Length / BlockLength);

        // Counter block n is the 128-bit little-endian integer n: lane 0 (low qword) holds n, lane 1 zero.
        var counter = Vector128.Create(firstBlock, 0UL);
        var one = Vector128.Create(1UL, 0UL);
        var two = Vector128.Create(2UL, 0UL);
        var three = Vector128.Create(3UL, 0UL);
        var four = Vector128.Create(4UL, 0UL);
        var eight = Vector128.Create(8UL, 0UL);
        nuint i = 0;
        for (; i + Lanes <= blocks; i += Lanes)
        {
            var c4 = counter + four;
            Encrypt8(
                ref dst,
                i * BlockLength,
                counter.AsByte(),
                (counter + one).AsByte(),
                (counter + two).AsByte(),
                (counter + three).AsByte(),
                c4.AsByte(),
                (c4 + one).AsByte(),
                (c4 + two).AsByte(),
                (c4 + three).AsByte());
            counter += eight;
        }

        for (; i < blocks; i++)
        {
            Encrypt1(counter.AsByte()).StoreUnsafe(ref dst, i * BlockLength);
            counter += one;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ExpandStep(Vector128<byte> key, Vector128<byte> assist)
    {
        // w[i] = w[i-1] ^ w[i-4] for the four words, seeded with SubWord(RotWord(w[3])) ^ rcon.
        var t = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> Encrypt1(Vector128<byte> b)
    {
        b ^= _keys[0];
        for (var r = 1; r < Rounds; r++)
        {
            b = X86Aes.Encrypt(b, _keys[r]);
        }

        return X86Aes.EncryptLast(b, _keys[Rounds]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Encrypt8(
        ref byte dst,
        nuint offset,
        Vector128<byte> b0,
        Vector128<byte> b1,
        Vector128<byte> b2,
        Vector128<byte> b3,
        Vector128<byte> b4,
        Vector128<byte> b5,
        Vector128<byte> b6,
        Vector128<byte> b7)
    {
        var k = _keys[0];
        b0 ^= k;
        b1 ^= k;
        b2 ^= k;
        b3 ^= k;
        b4 ^= k;
        b5 ^= k;
        b6 ^= k;
        b7 ^= k;
        for (var r = 1; r < Rounds; r++)
        {
            k = _keys[r];
            b0 = X86Aes.Encrypt(b0, k);
            b1 = X86Aes.Encrypt(b1, k);
            b2 = X86Aes.Encrypt(b2, k);
            b3 = X86Aes.Encrypt(b3, k);
            b4 = X86Aes.Encrypt(b4, k);
            b5 = X86Aes.Encrypt(b5, k);
            b6 = X86Aes.Encrypt(b6, k);
            b7 = X86Aes.Encrypt(b7, k);
        }

        k = _keys[Rounds];
        X86Aes.EncryptLast(b0, k).StoreUnsafe(ref dst, offset);
        X86Aes.EncryptLast(b1, k).StoreUnsafe(ref dst, offset + 16);
        X86Aes.EncryptLast(b2, k).StoreUnsafe(ref dst, offset + 32);
        X86Aes.EncryptLast(b3, k).StoreUnsafe(ref dst, offset + 48);
        X86Aes.EncryptLast(b4, k).StoreUnsafe(ref dst, offset + 64);
        X86Aes.EncryptLast(b5, k).StoreUnsafe(ref dst, offset + 80);
        X86Aes.EncryptLast(b6, k).StoreUnsafe(ref dst, offset + 96);
        X86Aes.EncryptLast(b7, k).StoreUnsafe(ref dst, offset + 112);
    }

    /// <summary>The eleven round keys of AES-128, inline in the object.</summary>
    [InlineArray(Rounds + 1)]
    private struct RoundKeys
    {
        private Vector128<byte> _element;
    }
}
