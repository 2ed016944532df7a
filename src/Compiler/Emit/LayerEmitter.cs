using System.Collections.Immutable;
using System.Globalization;
using Mpc.Compiler.Lowering;
using Mpc.Compiler.Planning;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Rings;
using static Mpc.Compiler.Emit.SourceWriter;

namespace Mpc.Compiler.Emit;

/// <summary>
/// Prints one layer (one <see cref="SecureStep"/>) as a static C# class: every shape, stride, scale
/// and truncation a <c>const</c>, protocol calls for the interactive parts, and plain loops with
/// constant bounds (tiny pooling windows unrolled) for the local parts. It decides nothing: every
/// number comes from the step.
/// </summary>
internal sealed class LayerEmitter(SecureProgram program) : ISecureStepVisitor<string>
{
    private string Namespace => $"Mpc.Generated.{program.Name}.Layers";

    public string Visit(LinearStep step)
    {
        var w = Header(["Mpc.Runtime.Kernels", "Mpc.Runtime.Net", "Mpc.Runtime.Protocols"]);
        var conv = step.Conv;
        var what = conv is { } g
            ? $"{g.KH}x{g.KW} stride {g.StrideH}x{g.StrideW}, padding [{g.PadTop},{g.PadBottom},{g.PadLeft},{g.PadRight}]"
            : $"{step.Dense!.Value.Rows}x{step.Dense.Value.Inner} times {step.Dense.Value.Inner}x{step.Dense.Value.Columns}";
        w.Summary(
            $"Layer {step.Index}: {step.Op} \"{step.Node}\"{(step.Bias is null ? "" : " + bias")}{Fused(step)}: {step.X.Shape} -> {step.Output.Shape}, {what}.\n" +
            $"{Count(step.Macs)} multiply-accumulates. Fixed point: input {step.X.FracBits} fractional bits, weights {step.Filter.FracBits}, product {step.ProductFracBits}{TruncationText(step.Truncation)}.");
        w.Open($"internal static class {step.ClassName}");
        w.Line($"public const string Name = {Literal(step.Node)};");
        w.Line($"public const int InputLength = {Literal(step.X.Length)};");
        w.Line($"public const int OutputLength = {Literal(step.Output.Length)};");
        w.Line($"public const int FilterLength = {Literal(step.Filter.Length)};");
        w.Line($"public const int BiasLength = {Literal(step.Bias?.Length ?? 0)};");
        w.Line($"public const int FracBits = {Literal(step.Output.FracBits)};");
        if (step.Truncation is { } t)
        {
            w.Line($"public const int TruncateBits = {Literal(t.Bits)};");
        }

        if (conv is { } geometry)
        {
            w.Line();
            w.Line("public static readonly Conv2DGeometry Geometry = new(");
            w.Line($"    Batch: {geometry.Batch}, InH: {geometry.InH}, InW: {geometry.InW}, InC: {geometry.InC}, OutC: {geometry.OutC}, KH: {geometry.KH}, KW: {geometry.KW},");
            w.Line($"    StrideH: {geometry.StrideH}, StrideW: {geometry.StrideW}, PadTop: {geometry.PadTop}, PadLeft: {geometry.PadLeft}, PadBottom: {geometry.PadBottom}, PadRight: {geometry.PadRight});");
        }
        else
        {
            var (rows, inner, columns) = step.Dense!.Value;
            w.Line($"public const int Rows = {Literal(rows)};");
            w.Line($"public const int Inner = {Literal(inner)};");
            w.Line($"public const int Columns = {Literal(columns)};");
        }

        w.Line();
        w.Line("/// <summary>Once per model load: this server's filter and bias shares from the model owner (in that order); F = W - B is opened.</summary>");
        w.Open("public static LinearHandle Load(Protocol p, IChannel? owner)");
        w.Line("using var step = p.Step(Name);");
        w.Line("var filter = p.Alloc(FilterLength);");
        w.Line("p.ReceiveWeights(owner, FilterLength, filter);");
        if (step.Bias is null)
        {
            w.Line("var bias = Array.Empty<ulong>(); // no bias: the owner sends nothing");
        }
        else
        {
            w.Line("var bias = p.Alloc(BiasLength);");
            w.Line("p.ReceiveWeights(owner, BiasLength, bias);");
        }
        w.Line(conv is null ? "return p.PrepareMatMul(Rows, Inner, Columns, filter, bias);" : "return p.PrepareConv2D(Geometry, filter, bias);");
        w.Close();
        w.Line();
        w.Line("/// <summary>One prediction: y = activation(truncate(x * W + bias)).</summary>");
        w.Open("public static void Run(Protocol p, LinearHandle h, ReadOnlySpan<ulong> x, Span<ulong> y)");
        w.Line("using var step = p.Step(Name);");
        w.Line(conv is null ? "p.MatMul(h, x, y);" : "p.Conv2D(h, x, y);");
        if (step.Truncation is { } truncation)
        {
            w.Line($"p.Truncate(OutputLength, y, y, TruncateBits, TruncationMethod.{truncation.Method});");
        }

        EmitActivation(w, step.Activation, "y", "y");
        w.Close();
        if (step.Activation == Activation.Relu6)
        {
            EmitRelu6Constant(w, step.Output.FracBits);
        }

        w.Close();
        return w.ToString();
    }

    public string Visit(ActivationStep step)
    {
        var w = Header(["Mpc.Runtime.Protocols"]);
        w.Summary($"Layer {step.Index}: {step.Activation} \"{step.Node}\" over {step.Output.Shape} ({Count(step.Output.Length)} elements, {step.X.FracBits} fractional bits).");
        w.Open($"internal static class {step.ClassName}");
        w.Line($"public const string Name = {Literal(step.Node)};");
        w.Line($"public const int OutputLength = {Literal(step.Output.Length)};");
        w.Line($"public const int FracBits = {Literal(step.Output.FracBits)};");
        w.Line();
        w.Open("public static void Run(Protocol p, ReadOnlySpan<ulong> x, Span<ulong> y)");
        w.Line("using var step = p.Step(Name);");
        EmitActivation(w, step.Activation, "x", "y");
        w.Close();
        if (step.Activation == Activation.Relu6)
        {
            EmitRelu6Constant(w, step.Output.FracBits);
        }

        w.Close();
        return w.ToString();
    }

    public string Visit(PoolStep step)
    {
        var g = step.Geometry;
        var w = Header(step.Kind == PoolKind.Average && !g.AllWindowsFull
            ? ["Mpc.Runtime.Kernels", "Mpc.Runtime.Protocols", "Mpc.Runtime.Rings"]
            : ["Mpc.Runtime.Kernels", "Mpc.Runtime.Protocols"]);
        var how = step.Kind switch
        {
            PoolKind.Max => "secure maximum by a tournament of comparisons",
            PoolKind.Sum => "local window sums (the 1/n is folded into the next linear layer)",
            _ => $"local window sums times 1/n (public) with {step.Truncation!.Bits} fractional bits, then truncation{TruncationText(step.Truncation)}",
        };
        w.Summary($"Layer {step.Index}: {step.Op} \"{step.Node}\": {step.X.Shape} -> {step.Output.Shape}, window {g.KH}x{g.KW} stride {g.StrideH}x{g.StrideW}, padding [{g.PadTop},{g.PadBottom},{g.PadLeft},{g.PadRight}]; {how}.");
        w.Open($"internal static class {step.ClassName}");
        w.Line($"public const string Name = {Literal(step.Node)};");
        w.Line($"public const int Batch = {g.Batch}, InH = {g.InH}, InW = {g.InW}, Channels = {g.Channels};");
        w.Line($"public const int KH = {g.KH}, KW = {g.KW}, StrideH = {g.StrideH}, StrideW = {g.StrideW};");
        w.Line($"public const int OutH = {g.OutH}, OutW = {g.OutW};");
        w.Line($"public const int InputLength = {Literal(g.InputLength)};");
        w.Line($"public const int OutputLength = {Literal(g.OutputLength)};");
        if (step.Truncation is { } t)
        {
            w.Line($"public const int TruncateBits = {Literal(t.Bits)};");
        }

        w.Line();
        w.Line("public static readonly PoolGeometry Geometry = new(");
        w.Line($"    Batch, InH, InW, Channels, KH, KW, StrideH, StrideW, PadTop: {g.PadTop}, PadLeft: {g.PadLeft}, PadBottom: {g.PadBottom}, PadRight: {g.PadRight});");
        w.Line();
        w.Open("public static void Run(Protocol p, ReadOnlySpan<ulong> x, Span<ulong> y)");
        w.Line("using var step = p.Step(Name);");
        if (step.Kind == PoolKind.Max)
        {
            w.Line("p.MaxPool(Geometry, x, y);");
        }
        else
        {
            EmitSum(w, g);
            if (step.Kind == PoolKind.Average)
            {
                EmitAverage(w, g, step.Truncation!);
            }
        }

        w.Close();
        if (step.Kind == PoolKind.Average && g.AllWindowsFull)
        {
            w.Line();
            w.Line($"/// <summary>1/{g.KH * g.KW} with {step.Truncation!.Bits} fractional bits.</summary>");
            w.Line($"private const ulong Reciprocal = {Literal(FixedPoint.Encode<ulong>(1.0 / (g.KH * g.KW), step.Truncation.Bits))};");
        }

        w.Close();
        return w.ToString();
    }

    public string Visit(LayoutStep step)
    {
        var w = Header(["Mpc.Runtime.Protocols"]);
        w.Summary($"Layer {step.Index}: {step.Kind} \"{step.Node}\": {string.Join(" + ", step.Xs.Select(x => x.Shape.ToString()))} -> {step.Output.Shape}; a local rearrangement of shares (no communication).");
        w.Open($"internal static class {step.ClassName}");
        w.Line($"public const string Name = {Literal(step.Node)};");
        w.Line($"public const int OutputLength = {Literal(step.Output.Length)};");
        w.Line();
        var parameters = string.Join(", ", step.Xs.Select((_, i) => $"ReadOnlySpan<ulong> x{(step.Xs.Length == 1 ? "" : i.ToString(CultureInfo.InvariantCulture))}"));
        w.Open($"public static void Run(Protocol p, {parameters}, Span<ulong> y)");
        w.Line("using var step = p.Step(Name);");
        w.Open("if (!p.HoldsShares)");
        w.Line("return; // local: nothing to do on the helper or while preprocessing");
        w.Close();
        w.Line();
        switch (step.Kind)
        {
            case LayoutKind.Transpose:
                EmitTranspose(w, step.Xs[0].Shape.Dims, step.Parameters);
                break;
            case LayoutKind.Pad:
                EmitPad(w, step.Xs[0].Shape.Dims, step.Output.Shape.Dims, step.Parameters);
                break;
            default:
                EmitConcat(w, step.Xs.Select(x => x.Shape.Dims).ToList(), step.Parameters[0]);
                break;
        }

        w.Close();
        w.Close();
        return w.ToString();
    }

    public string Visit(AddStep step)
    {
        var w = Header(["Mpc.Runtime.Protocols"]);
        w.Summary($"Layer {step.Index}: {step.Op} \"{step.Node}\" of two shared values {step.Output.Shape}: local.");
        w.Open($"internal static class {step.ClassName}");
        w.Line($"public const string Name = {Literal(step.Node)};");
        w.Line($"public const int OutputLength = {Literal(step.Output.Length)};");
        w.Line();
        w.Open("public static void Run(Protocol p, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> y)");
        w.Line("using var step = p.Step(Name);");
        w.Line(step.Subtract ? "p.Sub(OutputLength, a, b, y);" : "p.Add(OutputLength, a, b, y);");
        w.Close();
        w.Close();
        return w.ToString();
    }

    private SourceWriter Header(IEnumerable<string> usings)
    {
        var w = new SourceWriter();
        GeneratedFiles.AutoGeneratedHeader(w, program);
        foreach (var u in usings)
        {
            w.Line($"using {u};");
        }

        w.Line();
        w.Line($"namespace {Namespace};");
        w.Line();
        return w;
    }

    private static void EmitActivation(SourceWriter w, Activation activation, string x, string y)
    {
        switch (activation)
        {
            case Activation.Relu:
                w.Line($"p.Relu(OutputLength, {x}, {y}, FracBits);");
                break;
            case Activation.Sigmoid:
                w.Line($"p.Sigmoid(OutputLength, {x}, {y}, FracBits);");
                break;
            case Activation.Relu6:
                // relu6(x) = relu(x) - relu(x - 6): one batched ReLU over both halves.
                w.Line("var both = p.Alloc(2 * OutputLength);");
                w.Line("var half = p.ShareLength(OutputLength);");
                w.Line($"{x}.CopyTo(both.AsSpan(0, half));");
                w.Line($"p.AddPublic(OutputLength, {x}, MinusSix, both.AsSpan(half, half));");
                w.Line("p.Relu(2 * OutputLength, both, both, FracBits);");
                w.Line($"p.Sub(OutputLength, both.AsSpan(0, half), both.AsSpan(half, half), {y});");
                break;
            default:
                break;
        }
    }

    private static void EmitRelu6Constant(SourceWriter w, int fracBits)
    {
        w.Line();
        w.Line($"/// <summary>-6 with {fracBits} fractional bits, in two's complement.</summary>");
        w.Line($"private const ulong MinusSix = {Literal(FixedPoint.Encode<ulong>(-6, fracBits))};");
    }

    /// <summary>Window sums: unrolled taps over channel rows (vectorised adds) for small full windows, the generic kernel otherwise.</summary>
    private static void EmitSum(SourceWriter w, PoolGeometry g)
    {
        if (!g.AllWindowsFull || g.KH * g.KW > 16)
        {
            w.Line("p.SumPool(Geometry, x, y);");
            return;
        }

        // Local: the helper and a preprocessing instance hold no shares (and must still reach any protocol step below).
        w.Open("if (p.HoldsShares)");
        w.Open("for (var n = 0; n < Batch; n++)");
        w.Open("for (var oy = 0; oy < OutH; oy++)");
        w.Open("for (var ox = 0; ox < OutW; ox++)");
        w.Line("var o = y.Slice(((((n * OutH) + oy) * OutW) + ox) * Channels, Channels);");
        w.Line("var i = ((((n * InH) + (oy * StrideH)) * InW) + (ox * StrideW)) * Channels;");
        var taps = new List<string>();
        for (var ky = 0; ky < g.KH; ky++)
        {
            for (var kx = 0; kx < g.KW; kx++)
            {
                var offset = ((ky * g.InW) + kx) * g.Channels;
                taps.Add($"x.Slice(i{(offset == 0 ? "" : " + " + Literal(offset))}, Channels)");
            }
        }

        if (taps.Count == 1)
        {
            w.Line($"{taps[0]}.CopyTo(o);");
        }
        else
        {
            w.Line($"RingOps.Add({taps[0]}, {taps[1]}, o);");
            foreach (var tap in taps.Skip(2))
            {
                w.Line($"RingOps.Add(o, {tap}, o);");
            }
        }

        w.Close();
        w.Close();
        w.Close();
        w.Close();
    }

    /// <summary>Times 1/n (public; n is the count of valid elements of each window, as TensorFlow divides), then truncation.</summary>
    private static void EmitAverage(SourceWriter w, PoolGeometry g, TruncationDecision t)
    {
        if (g.AllWindowsFull)
        {
            w.Line("p.MulPublic(OutputLength, y, Reciprocal, y);");
        }
        else
        {
            w.Open("if (p.HoldsShares)");
            w.Open("for (var n = 0; n < Batch; n++)");
            w.Open("for (var oy = 0; oy < OutH; oy++)");
            w.Open("for (var ox = 0; ox < OutW; ox++)");
            w.Line($"var top = (oy * StrideH) - {g.PadTop};");
            w.Line($"var left = (ox * StrideW) - {g.PadLeft};");
            w.Line("var valid = (Math.Min(top + KH, InH) - Math.Max(top, 0)) * (Math.Min(left + KW, InW) - Math.Max(left, 0));");
            w.Line("var o = y.Slice(((((n * OutH) + oy) * OutW) + ox) * Channels, Channels);");
            w.Line("RingOps.MulScalar(o, FixedPoint.Encode<ulong>(1.0 / valid, TruncateBits), o);");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
        }

        w.Line($"p.Truncate(OutputLength, y, y, TruncateBits, TruncationMethod.{t.Method});");
    }

    private static void EmitTranspose(SourceWriter w, ImmutableArray<int> inDims, ImmutableArray<int> perm)
    {
        var rank = inDims.Length;
        var outDims = perm.Select(a => inDims[a]).ToArray();
        var inStrides = new int[rank];
        for (int a = rank - 1, s = 1; a >= 0; a--)
        {
            inStrides[a] = s;
            s *= inDims[a];
        }

        w.Line($"// output axis i is input axis perm[i], perm = [{string.Join(", ", perm)}]");
        w.Line("var o = 0;");
        for (var i = 0; i < rank; i++)
        {
            w.Open($"for (var i{i} = 0; i{i} < {outDims[i]}; i{i}++)");
        }

        var source = string.Join(" + ", Enumerable.Range(0, rank).Where(i => outDims[i] > 1).Select(i => inStrides[perm[i]] == 1 ? $"i{i}" : $"(i{i} * {inStrides[perm[i]]})"));
        w.Line($"y[o++] = x[{(source.Length == 0 ? "0" : source)}];");
        for (var i = 0; i < rank; i++)
        {
            w.Close();
        }
    }

    private static void EmitPad(SourceWriter w, ImmutableArray<int> inDims, ImmutableArray<int> outDims, ImmutableArray<int> pads)
    {
        var rank = inDims.Length;
        var outStrides = new int[rank];
        for (int a = rank - 1, s = 1; a >= 0; a--)
        {
            outStrides[a] = s;
            s *= outDims[a];
        }

        var row = inDims[rank - 1];
        w.Line("y.Clear(); // zero padding: shares of zero are zeros on both servers");
        w.Line("var i = 0;");
        for (var a = 0; a < rank - 1; a++)
        {
            w.Open($"for (var i{a} = 0; i{a} < {inDims[a]}; i{a}++)");
        }

        var terms = Enumerable.Range(0, rank - 1).Select(a => $"((i{a} + {pads[2 * a]}) * {outStrides[a]})").Append(pads[2 * (rank - 1)].ToString(CultureInfo.InvariantCulture));
        w.Line($"x.Slice(i, {row}).CopyTo(y.Slice({string.Join(" + ", terms)}, {row}));");
        w.Line($"i += {row};");
        for (var a = 0; a < rank - 1; a++)
        {
            w.Close();
        }
    }

    private static void EmitConcat(SourceWriter w, List<ImmutableArray<int>> inputs, int axis)
    {
        var outer = 1;
        for (var a = 0; a < axis; a++)
        {
            outer *= inputs[0][a];
        }

        var blocks = inputs.Select(d => d.Skip(axis).Aggregate(1, (p, q) => p * q)).ToList();
        var total = blocks.Sum();
        w.Open($"for (var r = 0; r < {outer}; r++)");
        var offset = 0;
        for (var k = 0; k < inputs.Count; k++)
        {
            w.Line($"x{k}.Slice(r * {blocks[k]}, {blocks[k]}).CopyTo(y.Slice((r * {total}) + {offset}, {blocks[k]}));");
            offset += blocks[k];
        }

        w.Close();
    }

    private static string Fused(LinearStep step) => step.Activation == Activation.None ? "" : $" + {step.Activation} \"{step.Output.Node}\"";

    private static string TruncationText(TruncationDecision? t) => t is null
        ? ", not truncated (revealed as is)"
        : $", truncated by {t.Bits} with the {t.Method.ToString().ToLowerInvariant()} method (|product| < 2^{t.MagnitudeBits}; local truncation would fail with probability {FixedPointPlan.FormatProbability(t.LocalFailureProbability)})";

    internal static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
