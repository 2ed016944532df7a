using System.Collections.Immutable;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Runtime.Protocols;

namespace Mpc.Compiler.Planning;

/// <summary>The protocols a model can run under, and why any is left out.</summary>
public sealed record ProtocolChoice(ImmutableArray<string> Protocols, ImmutableArray<string> Notes);

/// <summary>
/// Decides which protocols are offered for a model. SecureNN computes every supported layer exactly
/// (up to fixed point). Pond replaces ReLU and sigmoid by TF Encrypted's polynomials, which are
/// accurate only on a bounded range (about [-14, 14] for ReLU) and wrap into arbitrary values a
/// little beyond; so Pond is offered only when the model, evaluated with the polynomials themselves
/// (which is what Pond computes), keeps every polynomial input inside its accurate range on the
/// calibration inputs, and has no max pooling (Pond has no comparison).
/// </summary>
public static class ChooseProtocols
{
    /// <summary>The activations Pond computes, for the plaintext reference of Pond.</summary>
    /// <remarks>ReLU6 is computed as relu(x) - relu(x - 6) by every protocol, so under Pond as p(x) - p(x - 6).</remarks>
    public static Activations PondActivations { get; } = new(
        x => (float)PondPolynomials.Relu.Evaluate(x),
        x => (float)PondPolynomials.Sigmoid.Evaluate(x),
        x => (float)(PondPolynomials.Relu.Evaluate(x) - PondPolynomials.Relu.Evaluate(x - 6)));

    /// <summary>SecureNN's: ReLU exact, sigmoid by TF Encrypted's polynomial (as TF Encrypted's SecureNN did).</summary>
    public static Activations SecureNNActivations { get; } = Activations.Exact with { Sigmoid = x => (float)PondPolynomials.Sigmoid.Evaluate(x) };

    /// <summary>What <paramref name="protocol"/> computes for each activation: the plaintext reference of its results.</summary>
    public static Activations ReferenceActivations(string protocol) => protocol == Pond.ProtocolName ? PondActivations : SecureNNActivations;

    /// <param name="graph">The folded graph.</param>
    /// <param name="calibration">The calibration inputs, or null.</param>
    /// <param name="allowInaccuratePond">
    /// <c>mpcc compile --allow-inaccurate-pond</c>: offer Pond even when its polynomials leave their
    /// accurate range (or cannot be checked), to measure its cost; the note stays and says so. Max
    /// pooling still rules Pond out (it has no comparison to compute it with).
    /// </param>
    public static ProtocolChoice Run(Graph graph, IReadOnlyList<Tensor>? calibration, bool allowInaccuratePond = false)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var notes = new List<string>();
        var maxPools = graph.Nodes.OfType<MaxPool>().Select(n => n.Name).ToList();
        if (maxPools.Count > 0)
        {
            notes.Add($"pond: max pooling ('{string.Join("', '", maxPools)}') needs a secure comparison, which Pond does not have");
        }
        else if (calibration is not { Count: > 0 })
        {
            if (graph.Nodes.Any(n => n is Relu or Relu6 or Sigmoid))
            {
                notes.Add("pond: without --calibration inputs the compiler cannot check that the polynomial activations stay inside their accurate range");
            }
        }
        else
        {
            var worst = WorstPolynomialInput(graph, calibration);
            if (worst is var (node, value, bound) && value > bound)
            {
                notes.Add($"pond: with TF Encrypted's polynomials in place of the activations, the input of '{node}' reaches {value:G4} on the calibration inputs, outside the accurate range [-{bound:G3}, {bound:G3}] (the model was trained with exact activations)");
            }
        }

        var pond = notes.Count == 0 || (allowInaccuratePond && maxPools.Count == 0);
        return new ProtocolChoice(pond ? [.. Protocol.Names] : [SecureNN.ProtocolName, SecureNN.FastProtocolName], [.. notes]);
    }

    /// <summary>The polynomial input farthest outside (or closest to) its accurate range, in the network as Pond computes it.</summary>
    private static (string Node, double Value, double Bound)? WorstPolynomialInput(Graph graph, IReadOnlyList<Tensor> calibration)
    {
        var input = graph.Inputs.Single();
        (string, double, double)? worst = null;
        var worstRatio = -1.0;
        foreach (var x in calibration)
        {
            var values = PlaintextExecutor.RunAll(graph, new Dictionary<string, Tensor>(StringComparer.Ordinal) { [input.Name] = x }, PondActivations);
            foreach (var node in graph.Nodes)
            {
                var polynomial = node switch
                {
                    Relu or Relu6 => PondPolynomials.Relu,
                    Sigmoid => PondPolynomials.Sigmoid,
                    _ => null,
                };
                if (polynomial is null)
                {
                    continue;
                }

                var span = values[node.Inputs[0]].Span;
                double m = 0;
                foreach (var v in span)
                {
                    m = Math.Max(m, double.IsFinite(v) ? Math.Abs(v) : double.PositiveInfinity);
                }

                // Relu6 under Pond is relu(x) - relu(x - 6): the second input is 6 further out.
                m += node is Relu6 ? 6 : 0;
                if (m / polynomial.AccurateBound > worstRatio)
                {
                    worstRatio = m / polynomial.AccurateBound;
                    worst = (node.Name, m, polynomial.AccurateBound);
                }
            }
        }

        return worst;
    }
}
