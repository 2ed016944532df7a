using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Mpc.Runtime.Crypto;

/// <summary>
/// A pseudo-random generator: the AES-128-CTR keystream under a 16-byte seed (the key), counter
/// blocks 0, 1, 2, ... as 128-bit little-endian integers. Two parties holding the same seed draw the
/// same stream, which is how correlated randomness is derived without communication. Seeds come
/// from the OS CSPRNG (<see cref="NewSeed"/>).
/// </summary>
/// <remarks>
/// The stream is consumed byte-exactly: <c>Fill(a)</c> then <c>Fill(b)</c> yields the same bytes as
/// <c>Fill(a + b)</c>, so parties may draw in different chunk sizes and stay in step.
/// Security: under the PRF assumption on AES, the keystream is indistinguishable from uniform for
/// anyone without the seed; a seed is used for at most 2^64 blocks.
/// </remarks>
public sealed class AesPrg
{
    public const int SeedLength = 16;
    private const int BufferBlocks = 256;

    private readonly Aes _aes;
    private readonly byte[] _counters = new byte[BufferBlocks * 16];
    private readonly byte[] _buffer = new byte[BufferBlocks * 16];
    private ulong _nextBlock;
    private int _position = BufferBlocks * 16;

    public AesPrg(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"a PRG seed is {SeedLength} bytes, got {seed.Length}", nameof(seed));
        }

        _aes = Aes.Create();
        _aes.Key = seed.ToArray();
    }

    /// <summary>A fresh 16-byte seed from the operating system's CSPRNG.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedLength);

    /// <summary>A PRG on a fresh seed from the OS CSPRNG.</summary>
    public static AesPrg FromOsEntropy() => new(NewSeed());

    /// <summary>Writes the next <c>destination.Length</c> keystream bytes.</summary>
    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_position == _buffer.Length)
            {
                Refill();
            }

            var n = Math.Min(destination.Length, _buffer.Length - _position);
            _buffer.AsSpan(_position, n).CopyTo(destination);
            _position += n;
            destination = destination[n..];
        }
    }

    /// <summary>Fills ring elements (or any unmanaged values) with uniform bits.</summary>
    public void Fill<T>(Span<T> destination)
        where T : unmanaged => Fill(MemoryMarshal.AsBytes(destination));

    /// <summary>The next uniform value of an unmanaged type.</summary>
    public T Next<T>()
        where T : unmanaged
    {
        T value = default;
        Fill(MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    /// <summary>A uniform integer in [0, bound), unbiased (rejection sampling).</summary>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive");
        }

        var limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong v;
        do
        {
            v = Next<ulong>();
        }
        while (v >= limit);
        return v % bound;
    }

    /// <summary>A new PRG keyed with the next 16 bytes of this stream: an independent sub-stream.</summary>
    public AesPrg Fork()
    {
        Span<byte> seed = stackalloc byte[SeedLength];
        Fill(seed);
        return new AesPrg(seed);
    }

    private void Refill()
    {
        var counters = MemoryMarshal.Cast<byte, ulong>(_counters.AsSpan());
        for (var i = 0; i < BufferBlocks; i++)
        {
            counters[2 * i] = _nextBlock++;
            counters[(2 * i) + 1] = 0;
        }

        _aes.EncryptEcb(_counters, _buffer, PaddingMode.None);
        _position = 0;
    }
}
