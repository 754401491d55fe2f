package dev.tfjava.course.nn.reference;

/**
 * The course's worked example f(x, y) = x²(xy + 1) as the computational graph of its Figure 3,
 * evaluated forward and differentiated backward by hand (Figure 4), node by node.
 *
 * <p>Nodes: n1 = x, n2 = y, n3 = 1, n4 = n1·n2, n5 = n4 + n3, n6 = n1·n1, n7 = n6·n5 = f.
 *
 * @param values the forward values n1..n7 (index 0 = n1)
 * @param adjoints ∂f/∂n for n1..n7 (index 0 = ∂f/∂x)
 */
public record ChainRuleExample(double[] values, double[] adjoints) {

  /** Number of nodes in the graph. */
  public static final int NODES = 7;

  public static ChainRuleExample at(double x, double y) {
    // Forward pass: every node's value is kept for the backward pass.
    double n1 = x;
    double n2 = y;
    double n3 = 1;
    double n4 = n1 * n2;
    double n5 = n4 + n3;
    double n6 = n1 * n1;
    double n7 = n6 * n5;

    // Backward pass from the top: each adjoint is the parent's adjoint times the local derivative.
    double d7 = 1;
    double d6 = d7 * n5; // n7 = n6·n5
    double d5 = d7 * n6;
    double d4 = d5 * 1; // n5 = n4 + n3
    double d3 = d5 * 1;
    double d2 = d4 * n1; // n4 = n1·n2
    // x reaches f along two paths, through n6 = n1·n1 and through n4 = n1·n2: the paths add up.
    double d1 = d6 * 2 * n1 + d4 * n2;

    return new ChainRuleExample(
        new double[] {n1, n2, n3, n4, n5, n6, n7},
        new double[] {d1, d2, d3, d4, d5, d6, d7});
  }

  /** f(x, y), i.e. n7. */
  public double f() {
    return values[6];
  }

  /** ∂f/∂x. */
  public double dfdx() {
    return adjoints[0];
  }

  /** ∂f/∂y. */
  public double dfdy() {
    return adjoints[1];
  }
}
