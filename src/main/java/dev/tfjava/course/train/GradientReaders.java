package dev.tfjava.course.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * The ops of a gradient computation that read a given variable: its consumers (directly, or
 * through an {@code Identity} such as the snapshot {@code <name>/read}, which for a reference
 * variable hands on the variable's own buffer) among the ancestors of the gradients. An update of
 * the variable that waits for them cannot change a value they have yet to read.
 */
final class GradientReaders {
  private final Set<GraphOperation> gradientAncestors;

  private GradientReaders(Set<GraphOperation> gradientAncestors) {
    this.gradientAncestors = gradientAncestors;
  }

  /** The readers within everything that {@code gradients}' outputs depend on. */
  static GradientReaders of(Gradients gradients) {
    Set<GraphOperation> seen = new HashSet<>();
    Deque<GraphOperation> pending = new ArrayDeque<>();
    for (Operand<?> dy : gradients.dy()) {
      pending.add((GraphOperation) dy.op());
    }
    while (!pending.isEmpty()) {
      GraphOperation op = pending.pop();
      if (!seen.add(op)) {
        continue;
      }
      op.inputs().forEach(input -> pending.add((GraphOperation) input.op()));
      pending.addAll(op.controlInputs());
    }
    return new GradientReaders(seen);
  }

  /** The gradient computation's ops that read {@code variable}, in no particular order. */
  List<Op> of(Variable<?> variable) {
    GraphOperation variableOp = (GraphOperation) variable.op();
    Set<GraphOperation> readers = new HashSet<>();
    Deque<GraphOperation> pending = new ArrayDeque<>(variableOp.consumers());
    while (!pending.isEmpty()) {
      GraphOperation consumer = pending.pop();
      if (consumer.type().equals("Identity")) {
        pending.addAll(consumer.consumers());
      } else if (gradientAncestors.contains(consumer)) {
        readers.add(consumer);
      }
    }
    List<Op> ops = new ArrayList<>();
    readers.forEach(reader -> ops.add(() -> reader));
    return ops;
  }
}
