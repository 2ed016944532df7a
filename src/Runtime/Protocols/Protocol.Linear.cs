using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public abstract partial class Protocol
{
    /// <summary>
    /// Per model load: prepares a Conv2D layer from this server's filter share (HWIO,
    /// <c>g.FilterLength</c>) and bias share (<c>g.OutC</c> at the output's scale, or empty for no
    /// bias; on the helper both are empty). The helper derives B = B_0 + B_1 from its PRGs with each
    /// server; server j derives B_j; the servers open F = W - B once. See <see cref="Linear"/>.
    /// </summary>
    /// <remarks>
    /// Rounds: 1 (<see cref="Phase.ModelLoad"/>). Bytes: each server sends 8 * FilterLength to the
    /// other; the helper sends nothing. Security: B is uniform and neither server knows the other's
    /// B share, so F is a one-time pad of W; F is opened once per load and never re-masked.
    /// </remarks>
    public LinearHandle PrepareConv2D(in Conv2DGeometry g, ReadOnlySpan<ulong> filterShare, ReadOnlySpan<ulong> biasShare) =>
        Prepare(LinearHandle.ForConv2D(g), filterShare, biasShare);

    /// <summary>
    /// Per model load: prepares Y = X W (+ bias) for X of <paramref name="rows"/> x <paramref name="inner"/>
    /// and this server's share of W (<paramref name="inner"/> x <paramref name="columns"/>, row-major)
    /// and of the bias (<paramref name="columns"/> or empty). As <see cref="PrepareConv2D"/>: 1 round,
    /// each server sends 8 * inner * columns bytes.
    /// </summary>
    public LinearHandle PrepareMatMul(int rows, int inner, int columns, ReadOnlySpan<ulong> weightShare, ReadOnlySpan<ulong> biasShare) =>
        Prepare(LinearHandle.ForMatMul(rows, inner, columns), weightShare, biasShare);

    /// <summary>Per prediction: y = conv2d(x, W) + bias with a handle from <see cref="PrepareConv2D"/>. See <see cref="Linear"/>.</summary>
    public void Conv2D(LinearHandle handle, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!handle.IsConv)
        {
            throw new ArgumentException($"{Name}: Conv2D needs a handle from PrepareConv2D", nameof(handle));
        }

        Linear(handle, x, y);
    }

    /// <summary>Per prediction: y = x W + bias with a handle from <see cref="PrepareMatMul"/>. See <see cref="Linear"/>.</summary>
    public void MatMul(LinearHandle handle, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.IsConv)
        {
            throw new ArgumentException($"{Name}: MatMul needs a handle from PrepareMatMul", nameof(handle));
        }

        Linear(handle, x, y);
    }

    /// <summary>
    /// Beaver's linear layer with the fixed weight mask B: the servers open E = X - A (A fresh per
    /// prediction) and compute Z_0 = lin(E, B_0) + lin(A_0, F) + C_0 and
    /// Z_1 = lin(E, F + B_1) + lin(A_1, F) + C_1, which sum to lin(E + A, F + B) = lin(X, W), where
    /// C = lin(A, B) is dealt by the helper. The output has the scale of x times W's (truncate next).
    /// </summary>
    /// <remarks>
    /// Offline: the helper computes lin(A, B) and sends server1 C_1 = C - C_0 (8 * OutputLength
    /// bytes, 1 round); A_0, A_1, C_0 are derived from the pairwise PRGs.
    /// Online: 1 round; each server sends 8 * InputLength bytes; the helper does nothing.
    /// Security: A is uniform and each server knows only its own share of it, so E is a one-time pad
    /// of X; Z_j is masked by the uniform C_j. Work: two linear evaluations per server, one on the helper.
    /// </remarks>
    private void Linear(LinearHandle handle, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        Check(handle.InputLength, x, nameof(x));
        Check(handle.OutputLength, y, nameof(y));
        using var op = Stats.Enter(operation: handle.IsConv ? "conv2d" : "matmul");
        if (!TryAcquire(handle.IsConv ? "conv2d" : "matmul", d => d.Linear(handle), out var m))
        {
            return;
        }

        Stats.Round();
        if (!HoldsShares)
        {
            return;
        }

        var e = Scratch<ulong>(handle.InputLength);
        var other = Scratch<ulong>(handle.InputLength);
        RingOps.Sub(x, m.A, e);
        ExchangeWithServer(e, other);
        RingOps.Add<ulong>(e, other, e);

        m.C.CopyTo(y);
        handle.Apply(e, handle.EWeights, y, accumulate: true);
        handle.Apply(m.A, handle.Masked, y, accumulate: true);
        if (handle.Bias.Length > 0)
        {
            AddBroadcast(y, handle.Bias, y);
        }

        Release(e, other);
        m.ReturnTo(Context.Recycler);
    }

    private LinearHandle Prepare(LinearHandle handle, ReadOnlySpan<ulong> weightShare, ReadOnlySpan<ulong> biasShare)
    {
        var holds = Role.IsServer();
        var expected = holds ? handle.WeightLength : 0;
        if (weightShare.Length != expected)
        {
            throw new ArgumentException($"{Name} on {Role.ToName()}: the weight share has {weightShare.Length} elements, expected {expected}", nameof(weightShare));
        }

        if (biasShare.Length != 0 && (!holds || biasShare.Length != handle.BiasLength))
        {
            throw new ArgumentException($"{Name} on {Role.ToName()}: the bias share has {biasShare.Length} elements, expected {(holds ? handle.BiasLength : 0)} or none", nameof(biasShare));
        }

        if (Mode == ExecutionMode.Offline)
        {
            throw new InvalidOperationException($"{Name}: prepare layers with the online (or inline) protocol instance; the offline instance reuses its handles");
        }

        using var phase = Stats.Enter(Phase.ModelLoad, operation: "prepare");
        Stats.Round();
        // B is chosen by the helper: the helper gets B = B_0 + B_1, server j its share B_j.
        var bShare = _dealer.Chosen<ulong, RingZ2>(handle.WeightLength);
        if (Role == PartyId.Helper)
        {
            handle.HelperB = bShare;
            return handle;
        }

        var f = new ulong[handle.WeightLength];
        var other = new ulong[handle.WeightLength];
        RingOps.Sub(weightShare, bShare, f);
        ExchangeWithServer(f, other);
        RingOps.Add<ulong>(f, other, f);
        handle.Masked = f;
        if (Role == PartyId.Server1)
        {
            RingOps.Add<ulong>(f, bShare, bShare);
        }

        handle.EWeights = bShare;
        handle.Bias = biasShare.ToArray();
        return handle;
    }
}
