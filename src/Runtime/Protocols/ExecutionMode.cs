namespace Mpc.Runtime.Protocols;

/// <summary>How a protocol instance obtains the correlated randomness of each operation.</summary>
public enum ExecutionMode
{
    /// <summary>Deal it just before use, over the same links (counted as <see cref="Phase.Offline"/> traffic).</summary>
    Inline,

    /// <summary>
    /// Preprocess: run the layer code only to deal every operation's randomness into a
    /// <see cref="PreprocessingBuffer"/>; no shares are held (buffers are empty on every party) and no
    /// input-dependent work is done.
    /// </summary>
    Offline,

    /// <summary>Take every operation's randomness from a <see cref="PreprocessingBuffer"/> filled by an <see cref="Offline"/> instance.</summary>
    Online,
}

/// <summary>How a truncation by d bits is done (the planner picks one per layer).</summary>
public enum TruncationMethod
{
    /// <summary>
    /// SecureML/SecureNN local truncation: no communication, off by at most 1 ulp, but fails with
    /// probability about 2^(l_x + 1 - 64) per element when |x| &lt; 2^l_x
    /// (<see cref="Protocol.LocalTruncationFailureProbability"/>).
    /// </summary>
    Local,

    /// <summary>Masked truncation with helper-dealt r, r &gt;&gt; d and msb(r): one round, never fails while |x| &lt; 2^62, off by at most 1 ulp.</summary>
    Helper,
}
