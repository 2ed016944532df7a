using System.Collections.Immutable;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>Data movement: Reshape (and Squeeze, ExpandDims), Transpose, Pad, ConcatV2.</summary>
internal static partial class Converters
{
    private static void Reshape(ConversionContext c)
    {
        c.RequireInputs(2);
        var x = c.Value(0);
        var input = c.ShapeOf(x);
        var target = c.IntegerConstant(1, "shape").Ints!;
        var unknown = target.Count(d => d == -1);
        if (unknown > 1 || target.Any(d => d < -1))
        {
            throw new ImportException(Problem.InvalidNode, $"shape [{string.Join(",", target)}] may have one -1 and no other negative size");
        }

        var known = target.Where(d => d >= 0).Aggregate(1L, (p, d) => p * d);
        var dims = target.Select(d => d == -1 ? (known == 0 ? 0 : input.ElementCount / known) : d).ToArray();
        if (dims.Aggregate(1L, (p, d) => p * d) != input.ElementCount)
        {
            throw new ImportException(Problem.InvalidNode,
                $"cannot reshape {input} ({input.ElementCount} elements) to [{string.Join(",", target)}]");
        }

        c.Emit(new Ir.Reshape(c.Node.Name, Shape.Of(dims.Select(d => (int)d)), x));
    }

    private static void Squeeze(ConversionContext c)
    {
        c.RequireInputs(1);
        var x = c.Value(0);
        var input = c.ShapeOf(x);
        var requested = c.Node.Ints("squeeze_dims") ?? [];
        var axes = requested.Length == 0
            ? [.. Enumerable.Range(0, input.Rank).Where(i => input[i] == 1)]
            : requested.Select(a => Axis(a, input.Rank, "squeeze_dims")).ToHashSet();
        var bad = axes.Where(a => input[a] != 1).ToList();
        if (bad.Count > 0)
        {
            throw new ImportException(Problem.InvalidNode, $"cannot squeeze dimension {string.Join(", ", bad)} of {input}: not 1");
        }

        c.Emit(new Ir.Reshape(c.Node.Name, Shape.Of(input.Dims.Where((_, i) => !axes.Contains(i))), x));
    }

    private static void ExpandDims(ConversionContext c)
    {
        c.RequireInputs(2);
        var x = c.Value(0);
        var input = c.ShapeOf(x);
        var dim = Axis(c.IntegerConstant(1, "dim"), input.Rank + 1, "dim");
        var dims = input.Dims.ToList();
        dims.Insert(dim, 1);
        c.Emit(new Ir.Reshape(c.Node.Name, Shape.Of(dims), x));
    }

    private static void Transpose(ConversionContext c)
    {
        c.RequireInputs(2);
        var x = c.Value(0);
        var input = c.ShapeOf(x);
        var perm = c.IntegerConstant(1, "perm").Ints!.Select(p => (int)p).ToImmutableArray();
        c.Emit(new Ir.Transpose(c.Node.Name, ShapeInference.Transpose(input, perm), x, perm));
    }

    private static void Pad(ConversionContext c)
    {
        c.RequireInputs(2);
        var x = c.Value(0);
        var input = c.ShapeOf(x);
        var paddings = c.IntegerConstant(1, "paddings");
        if (!paddings.Shape.Equals(Shape.Of(input.Rank, 2)))
        {
            throw new ImportException(Problem.InvalidNode, $"paddings has shape {paddings.Shape}, expected [{input.Rank},2]");
        }

        var pads = paddings.Ints!.Select(p => (int)p).ToImmutableArray();
        c.Emit(new Ir.Pad(c.Node.Name, ShapeInference.Pad(input, pads), x, pads));
    }

    private static void ConcatV2(ConversionContext c)
    {
        if (c.Node.Inputs.Count < 2)
        {
            throw new ImportException(Problem.InvalidNode, "ConcatV2 needs at least one value and the axis");
        }

        var count = c.Node.Inputs.Count - 1;
        var xs = Enumerable.Range(0, count).Select(c.Value).ToImmutableArray();
        var shapes = xs.Select(c.ShapeOf).ToList();
        var axis = Axis(c.IntegerConstant(count, "axis"), shapes[0].Rank, "axis");
        c.Emit(new Concat(c.Node.Name, ShapeInference.Concat(shapes, axis), xs, axis));
    }
}
