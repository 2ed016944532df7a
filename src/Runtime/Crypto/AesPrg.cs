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
/// anyone without the seed; a seed is used for at most 2^64 blocks (2^68 bytes, far beyond any run).
/// The seed and the round keys stay inside this object; they are never printed or written.
/// Speed: AES-NI with eight blocks in flight when the CPU has it (<see cref="AesImplementation"/>);
/// draws of whole blocks go straight to the caller's buffer, partial blocks through a small buffer.
/// Not thread-safe: one PRG per thread, or <see cref="Fork"/>.
/// </remarks>
public sealed class AesPrg
{
    public const int SeedLength = 16;
    private const int BufferBlocks = 256;
    private const int BlockLength = Aes128Core.BlockLength;

    private readonly Aes128Core _core;
    private readonly byte[] _buffer = new byte[BufferBlocks * BlockLength];
    private ulong _nextBlock;
    private int _position = BufferBlocks * BlockLength;

    public AesPrg(ReadOnlySpan<byte> seed)
        : this(seed, AesImplementation.Auto)
    {
    }

    /// <summary>A PRG on <paramref name="seed"/> computed by a chosen implementation (tests and benchmarks).</summary>
    public AesPrg(ReadOnlySpan<byte> seed, AesImplementation implementation)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"a PRG seed is {SeedLength} bytes, got {seed.Length}", nameof(seed));
        }

        _core = Aes128Core.Create(seed, implementation);
    }

    /// <summary>The implementation that computes this stream.</summary>
    public AesImplementation Implementation => _core.Implementation;

    /// <summary>A fresh 16-byte seed from the operating system's CSPRNG.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedLength);

    /// <summary>A PRG on a fresh seed from the OS CSPRNG.</summary>
    public static AesPrg FromOsEntropy()
    {
        Span<byte> seed = stackalloc byte[SeedLength];
        RandomNumberGenerator.Fill(seed);
        var prg = new AesPrg(seed);
        CryptographicOperations.ZeroMemory(seed);
        return prg;
    }

    /// <summary>Writes the next <c>destination.Length</c> keystream bytes.</summary>
    public void Fill(Span<byte> destination)
    {
        // Bytes left over from a partly used block come first.
        if (_position < _buffer.Length)
        {
            var n = Math.Min(destination.Length, _buffer.Length - _position);
            _buffer.AsSpan(_position, n).CopyTo(destination);
            _position += n;
            destination = destination[n..];
        }

        // Whole blocks are generated in place: no copy.
        var direct = destination.Length / BlockLength;
        if (direct > 0)
        {
            _core.LittleEndianCounterKeystream(_nextBlock, destination[..(direct * BlockLength)]);
            _nextBlock += (ulong)direct;
            destination = destination[(direct * BlockLength)..];
        }

        // A tail shorter than a block: refill the buffer and keep the rest of it for later draws.
        if (destination.Length > 0)
        {
            _core.LittleEndianCounterKeystream(_nextBlock, _buffer);
            _nextBlock += BufferBlocks;
            _buffer.AsSpan(0, destination.Length).CopyTo(destination);
            _position = destination.Length;
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
        var fork = new AesPrg(seed, _core.Implementation);
        CryptographicOperations.ZeroMemory(seed);
        return fork;
    }
}
