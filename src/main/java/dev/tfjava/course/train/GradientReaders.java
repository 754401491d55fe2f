package dev.tfjava.course.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;

/**
 * What an update of a variable must wait for: the ops of a gradient computation that read the
 * variable — directly, or through ops that hand on the variable's own buffer rather than a copy
 * (an {@code Identity} such as the snapshot {@code <name>/read}; a {@code Split} along the first
 * axis, whose parts are views, {@code Dense.applyToRowBlocks}) — and that the variable's own
 * gradient does not already depend on. An update that waits for them cannot change a value they
 * have yet to read; the readers its gradient depends on (the forward pass) have run anyway, and
 * leaving them out keeps their ops free of control edges, which Grappler's fusions (MatMul with
 * BiasAdd and ReLU) refuse.
 */
final class GradientReaders {
  /** Op types whose outputs may be the input's buffer (or a view of it), not a copy. */
  private static final Set<String> BUFFER_SHARING = Set.of("Identity", "Split");

  private final Set<GraphOperation> gradientAncestors;

  private GradientReaders(Set<GraphOperation> gradientAncestors) {
    this.gradientAncestors = gradientAncestors;
  }

  /** The readers within everything that {@code gradients}' outputs depend on. */
  static GradientReaders of(Gradients gradients) {
    List<GraphOperation> outputs = new ArrayList<>();
    gradients.dy().forEach(dy -> outputs.add((GraphOperation) dy.op()));
    return new GradientReaders(ancestors(outputs));
  }

  /**
   * The gradient computation's ops that read {@code variable} and that {@code gradient} (the
   * variable's own) does not depend on, in no particular order.
   */
  List<Op> toWaitFor(Variable<?> variable, Operand<?> gradient) {
    Set<GraphOperation> before = ancestors(List.of((GraphOperation) gradient.op()));
    Set<GraphOperation> readers = new HashSet<>();
    Deque<GraphOperation> pending = new ArrayDeque<>(((GraphOperation) variable.op()).consumers());
    while (!pending.isEmpty()) {
      GraphOperation consumer = pending.pop();
      if (BUFFER_SHARING.contains(consumer.type())) {
        pending.addAll(consumer.consumers());
      } else if (gradientAncestors.contains(consumer) && !before.contains(consumer)) {
        readers.add(consumer);
      }
    }
    List<Op> ops = new ArrayList<>();
    readers.forEach(reader -> ops.add(() -> reader));
    return ops;
  }

  /** {@code ops} and every op they depend on, through data and control edges. */
  private static Set<GraphOperation> ancestors(Collection<GraphOperation> ops) {
    Set<GraphOperation> seen = new HashSet<>();
    Deque<GraphOperation> pending = new ArrayDeque<>(ops);
    while (!pending.isEmpty()) {
      GraphOperation op = pending.pop();
      if (!seen.add(op)) {
        continue;
      }
      op.inputs().forEach(input -> pending.add((GraphOperation) input.op()));
      pending.addAll(op.controlInputs());
    }
    return seen;
  }
}
