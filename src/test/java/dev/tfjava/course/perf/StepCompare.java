package dev.tfjava.course.perf;

import dev.tfjava.course.perf.StepProfile.Workload;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.Precision;
import dev.tfjava.course.train.ReluGradients;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A measuring tool (not a test): training-step settings of one lesson side by side in one
 * process, for machines too noisy for separate runs to compare. Each setting ("arm") gets its own
 * graph and session with its own thread pools; then rounds of blocks of steps run the arms in
 * turn (the order rotating each round), and it prints each arm's median ms per step and the
 * median, over the rounds, of its block's time against the first arm's block of the same round.
 *
 * <pre>StepCompare cnn|rnn|lstm|gru [--rounds N] [--steps N] ARM...
 *   ARM = towers:intra/inter, e.g. 2:1/2 (the CNN's default on 2 cores) 1:0/1 1:2/2</pre>
 *
 * <p>Each session's own intra-op pool needs {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1} (set by
 * scripts/bench-compare); without it the first session's pool serves every arm.
 */
public final class StepCompare {
  private StepCompare() {}

  private record Arm(String label, Graph graph, Session session, Workload work,
      List<TFloat32> tensors, List<Double> msPerStep) {}

  public static void main(String[] args) {
    String model = args[0];
    int rounds = 12;
    int steps = 100;
    List<String> labels = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        default -> labels.add(args[i]);
      }
    }
    if (labels.size() < 2 || rounds < 1 || steps < 1) {
      throw new IllegalArgumentException("usage: StepCompare MODEL [--rounds N] [--steps N]"
          + " towers:intra/inter towers:intra/inter ...");
    }
    if (!"1".equals(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL"))) {
      System.out.println("note: TF_OVERRIDE_GLOBAL_THREADPOOL is not 1, so every arm shares the"
          + " first session's intra-op pool");
    }
    List<Arm> arms = new ArrayList<>();
    try {
      for (String label : labels) {
        arms.add(open(model, label));
      }
      for (int round = -2; round < rounds; round++) { // two rounds of warm-up
        List<Arm> order = new ArrayList<>(arms);
        Collections.rotate(order, round);
        for (Arm arm : order) {
          long start = System.nanoTime();
          for (int i = 0; i < steps; i++) {
            StepProfile.step(arm.session(), arm.work(), arm.tensors(), null).close();
          }
          if (round >= 0) {
            arm.msPerStep().add((System.nanoTime() - start) / 1e6 / steps);
          }
        }
      }
      report(model, rounds, steps, arms);
    } finally {
      for (Arm arm : arms) {
        arm.tensors().forEach(TFloat32::close);
        arm.session().close();
        arm.graph().close();
      }
    }
  }

  /** One arm: "towers:intra/inter", built as StepProfile builds the lesson's step. */
  private static Arm open(String model, String label) {
    String[] parts = label.split("[:/]");
    if (parts.length != 3) {
      throw new IllegalArgumentException("an arm is towers:intra/inter, got " + label);
    }
    int towers = Integer.parseInt(parts[0]);
    ThreadSettings threads = new ThreadSettings(Integer.parseInt(parts[1]),
        Integer.parseInt(parts[2]));
    Graph graph = new Graph();
    Workload work = StepProfile.build(model, Ops.create(graph), new Seeds(42), 0, towers);
    ReluGradients.readOutputs(graph);
    ConfigProto config = new SessionFactory(Device.CPU, threads, false, Precision.FP32).config()
        .toBuilder().setUsePerSessionThreads(true).build();
    Session session = new Session(graph, config);
    return new Arm(label, graph, session, work, work.newTensors(), new ArrayList<>());
  }

  private static void report(String model, int rounds, int steps, List<Arm> arms) {
    System.out.printf("%s: %d rounds of %d steps per arm, in one process%n", model, rounds, steps);
    System.out.println("| arm (towers:intra/inter) | median ms/step | range | against "
        + arms.get(0).label() + ", median of rounds | range |");
    System.out.println("|---|---|---|---|---|");
    List<Double> base = arms.get(0).msPerStep();
    for (Arm arm : arms) {
      List<Double> ms = new ArrayList<>(arm.msPerStep());
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < ms.size(); i++) {
        ratios.add(ms.get(i) / base.get(i));
      }
      Collections.sort(ms);
      Collections.sort(ratios);
      System.out.printf("| %s | %.3f | %.3f-%.3f | %.3f | %.3f-%.3f |%n", arm.label(),
          median(ms), ms.get(0), ms.get(ms.size() - 1), median(ratios), ratios.get(0),
          ratios.get(ratios.size() - 1));
    }
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
