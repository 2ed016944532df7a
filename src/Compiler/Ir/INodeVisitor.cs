namespace Mpc.Compiler.Ir;

/// <summary>One method per node type: a visitor that misses a new node type does not compile.</summary>
public interface INodeVisitor<out T>
{
    T Visit(Input node);

    T Visit(Constant node);

    T Visit(Identity node);

    T Visit(Conv2D node);

    T Visit(DepthwiseConv2D node);

    T Visit(MatMul node);

    T Visit(BiasAdd node);

    T Visit(BatchNorm node);

    T Visit(AvgPool node);

    T Visit(MaxPool node);

    T Visit(SumPool node);

    T Visit(Add node);

    T Visit(Sub node);

    T Visit(Mul node);

    T Visit(Div node);

    T Visit(Maximum node);

    T Visit(Minimum node);

    T Visit(Rsqrt node);

    T Visit(Sqrt node);

    T Visit(Relu node);

    T Visit(Relu6 node);

    T Visit(Sigmoid node);

    T Visit(Softmax node);

    T Visit(ArgMax node);

    T Visit(Reshape node);

    T Visit(Transpose node);

    T Visit(Pad node);

    T Visit(Concat node);

    T Visit(ReduceMean node);

    T Visit(ReduceMax node);

    T Visit(ReduceMin node);
}
