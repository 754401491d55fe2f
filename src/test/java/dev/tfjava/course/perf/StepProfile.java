package dev.tfjava.course.perf;

import dev.tfjava.course.lessons.MnistCnn;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.SequenceModel;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.Precision;
import dev.tfjava.course.train.ReluGradients;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * A measuring tool (not a test): where one training step of a lesson's graph spends its time, in
 * numbers that do not depend much on the machine's load — the ops TensorFlow runs after Grappler
 * (partition graph), and per op type the kernel time share from FULL_TRACE step stats — plus the
 * untraced wall time per step. scripts/bench-profile runs it; tf_notebook.py --trace prints the
 * same for Python TensorFlow.
 *
 * <pre>StepProfile cnn|cnn-eval|rnn|lstm|gru [--steps N] [--trace N] [--threads I/J] [--jit]
 *     [--relu-input] [--batch N] [--nodes] [--timeline] [--towers N]
 *     [--precision fp32|bf16]</pre>
 *
 * <p>It profiles what the lessons run: their ReLU gradients rewired to read the ReLU outputs
 * ({@code SessionFactory.open}; {@code --relu-input} keeps TensorFlow's C++ gradient, which
 * blocks the MatMul+BiasAdd+Relu fusion), the CNN's default towers, and their thread settings
 * ({@code MnistCnn.threadsFor} for the CNN, 1/1 for the cells) unless {@code --towers} and
 * {@code --threads} say otherwise.
 *
 * <p>{@code --nodes} also prints every node left after Grappler with its inputs (which op fused
 * what, which kernel reads which); {@code --timeline} every kernel of the last traced step with
 * its start and end, in start order (tracing slows each kernel, so read the order, not the gaps).
 */
public final class StepProfile {
  private StepProfile() {}

  /** The graph's feeds and its step target/fetch. */
  record Workload(Map<Operand<TFloat32>, float[]> feeds, Map<Operand<TFloat32>, Shape> shapes,
      Op target, Operand<TFloat32> fetch) {

    /** The feeds' values as tensors, in the order {@link #step} feeds them; the caller closes them. */
    List<TFloat32> newTensors() {
      List<TFloat32> tensors = new ArrayList<>();
      try {
        for (var feed : feeds.entrySet()) {
          tensors.add(TFloat32.tensorOf(shapes.get(feed.getKey()),
              DataBuffers.of(feed.getValue(), true, false)));
        }
      } catch (RuntimeException e) {
        tensors.forEach(TFloat32::close);
        throw e;
      }
      return tensors;
    }
  }

  public static void main(String[] args) {
    String model = args[0];
    int steps = 200;
    int traced = 20;
    boolean cnn = model.startsWith("cnn");
    int cores = Runtime.getRuntime().availableProcessors();
    Integer intra = null; // the lessons' defaults unless --threads
    Integer inter = null;
    int towers = 0;
    boolean jit = false;
    boolean reluOutput = true;
    int batchSize = 0;
    boolean printNodes = false;
    boolean printTimeline = false;
    Precision precision = Precision.FP32;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--trace" -> traced = Integer.parseInt(args[++i]);
        case "--threads" -> {
          String[] parts = args[++i].split("/");
          intra = Integer.parseInt(parts[0]);
          inter = Integer.parseInt(parts[1]);
        }
        case "--jit" -> jit = true;
        case "--relu-input" -> reluOutput = false;
        case "--batch" -> batchSize = Integer.parseInt(args[++i]);
        case "--nodes" -> printNodes = true;
        case "--timeline" -> printTimeline = true;
        case "--towers" -> towers = Integer.parseInt(args[++i]);
        case "--precision" -> precision = Precision.valueOf(args[++i].toUpperCase(Locale.ROOT));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    // The lessons' defaults: MnistCnn's towers (training only) and threads, SequenceLesson's 1/1.
    // (cnn-eval: the lesson's session, whose threads follow its training towers, runs batches of
    // the inference pass, which has no towers.)
    int lessonTowers = towers > 0 ? towers : MnistCnn.defaultTowers(true, cores);
    towers = model.equals("cnn") ? lessonTowers : 1;
    ThreadSettings defaults = cnn ? MnistCnn.threadsFor(lessonTowers, cores)
        : new ThreadSettings(1, 1);
    intra = intra != null ? intra : defaults.intraOp();
    inter = inter != null ? inter : defaults.interOp();
    System.out.println("threads " + intra + "/" + inter + " (intra-op/inter-op), towers " + towers);
    // The lessons' session configuration (SessionFactory), with these thread counts.
    ConfigProto.Builder config = new SessionFactory(Device.CPU, new ThreadSettings(intra, inter),
        false, precision).config().toBuilder();
    if (jit) {
      config.getGraphOptionsBuilder().setOptimizerOptions(
          OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1));
    }
    try (Graph graph = new Graph()) {
      Workload work = build(model, Ops.create(graph), new Seeds(42), batchSize, towers);
      if (reluOutput) {
        ReluGradients.readOutputs(graph);
      }
      int nodes = 0;
      for (var it = graph.operations(); it.hasNext(); it.next()) {
        nodes++;
      }
      try (Session session = new Session(graph, config.build())) {
        List<TFloat32> tensors = work.newTensors();
        try {
          for (int i = 0; i < 20; i++) {
            step(session, work, tensors, null).close();
          }
          long start = System.nanoTime();
          for (int i = 0; i < steps; i++) {
            step(session, work, tensors, null).close();
          }
          double msPerStep = (System.nanoTime() - start) / 1e6 / steps;
          Trace trace = trace(session, work, tensors, traced);
          report(model, nodes, msPerStep, steps, trace);
          if (printNodes) {
            trace.partition().forEach(n -> System.out.println(
                n.getOp() + " " + n.getName() + " <- " + String.join(", ", n.getInputList())));
          }
          if (printTimeline) {
            System.out.println("last traced step, kernels by start (start and end in µs from the first):");
            trace.timeline().forEach(System.out::println);
          }
        } finally {
          tensors.forEach(TFloat32::close);
        }
      }
    }
  }

  static Workload build(String model, Ops tf, Seeds seeds, int batchSize, int towers) {
    Random random = new Random(1);
    Map<Operand<TFloat32>, float[]> feeds = new HashMap<>();
    Map<Operand<TFloat32>, Shape> shapes = new HashMap<>();
    switch (model) {
      case "cnn", "cnn-eval" -> {
        boolean eval = model.equals("cnn-eval");
        int batch = batchSize > 0 ? batchSize : eval ? 1000 : 50;
        MnistCnn.Model cnn = MnistCnn.buildGraph(tf, seeds, true, towers);
        float[] x = new float[batch * 784];
        float[] y = new float[batch * 10];
        for (int i = 0; i < x.length; i++) {
          x[i] = random.nextFloat() < 0.5f ? 0f : random.nextFloat();
        }
        for (int i = 0; i < batch; i++) {
          y[i * 10 + random.nextInt(10)] = 1f;
        }
        feeds.put(cnn.X(), x);
        shapes.put(cnn.X(), Shape.of(batch, 784));
        feeds.put(cnn.y(), y);
        shapes.put(cnn.y(), Shape.of(batch, 10));
        if (!eval) {
          feeds.put(cnn.keepProb(), new float[] {0.5f});
          shapes.put(cnn.keepProb(), Shape.scalar());
        }
        return new Workload(feeds, shapes, eval ? null : cnn.trainingOp(),
            eval ? cnn.accuracy() : cnn.loss());
      }
      default -> {
        CellKind kind = switch (model) {
          case "rnn" -> CellKind.BASIC_RNN;
          case "lstm" -> CellKind.LSTM;
          case "gru" -> CellKind.GRU;
          default -> throw new IllegalArgumentException("model: cnn, cnn-eval, rnn, lstm or gru");
        };
        SequenceModel seq = SequenceModel.training(null, tf,
            SequenceModel.Config.notebook(kind, 0.001f), seeds);
        float[] x = new float[50 * 20];
        float[] y = new float[50 * 20];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) Math.sin(i * 0.1);
          y[i] = (float) Math.sin(i * 0.1 + 0.1);
        }
        feeds.put(seq.x(), x);
        shapes.put(seq.x(), Shape.of(50, 20, 1));
        feeds.put(seq.y(), y);
        shapes.put(seq.y(), Shape.of(50, 20, 1));
        return new Workload(feeds, shapes, seq.train(), seq.loss());
      }
    }
  }

  static Result step(Session session, Workload work, List<TFloat32> tensors,
      RunOptions options) {
    Session.Runner runner = session.runner();
    int i = 0;
    for (Operand<TFloat32> placeholder : work.feeds().keySet()) {
      runner.feed(placeholder, tensors.get(i++));
    }
    if (work.target() != null) {
      runner.addTarget(work.target());
    }
    runner.fetch(work.fetch());
    if (options != null) {
      return runner.setOptions(options).runAndFetchMetadata();
    }
    return runner.run();
  }

  /** Per op type: [kernel µs summed over the traced steps, kernels run]; plus partition graph. */
  private record Trace(Map<String, double[]> byType, Map<String, Integer> partitionOps,
      List<NodeDef> partition, int tracedSteps, double wallMsPerTracedStep, List<String> timeline) {}

  private static Trace trace(Session session, Workload work, List<TFloat32> tensors, int steps) {
    RunOptions options = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
        .setOutputPartitionGraphs(true).build();
    Map<String, double[]> byType = new TreeMap<>();
    Map<String, Integer> partitionOps = new TreeMap<>();
    List<NodeDef> partitionNodes = new ArrayList<>();
    List<String> timeline = new ArrayList<>();
    long start = System.nanoTime();
    for (int s = 0; s < steps; s++) {
      try (Result result = step(session, work, tensors, options)) {
        RunMetadata metadata = result.getMetadata().orElseThrow();
        Map<String, String> typeOf = new HashMap<>();
        for (GraphDef partition : metadata.getPartitionGraphsList()) {
          for (NodeDef node : partition.getNodeList()) {
            typeOf.put(node.getName(), node.getOp());
            if (s == 0) {
              partitionOps.merge(node.getOp(), 1, Integer::sum);
              partitionNodes.add(node);
            }
          }
        }
        List<NodeExecStats> kernels = new ArrayList<>();
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
          kernels.addAll(device.getNodeStatsList());
          for (NodeExecStats node : device.getNodeStatsList()) {
            String name = node.getNodeName().split(":")[0];
            String type = typeOf.getOrDefault(name, "?" + name);
            double[] acc = byType.computeIfAbsent(type, k -> new double[2]);
            acc[0] += node.getOpEndRelMicros() - node.getOpStartRelMicros();
            acc[1] += 1;
          }
        }
        if (s == steps - 1) {
          timeline.addAll(timeline(kernels, typeOf));
        }
      }
    }
    return new Trace(byType, partitionOps, partitionNodes, steps,
        (System.nanoTime() - start) / 1e6 / steps, timeline);
  }

  /**
   * One line per kernel of a step: start and end from the step's first kernel, op type, node (the
   * step stats carry no thread).
   */
  private static List<String> timeline(List<NodeExecStats> kernels, Map<String, String> typeOf) {
    long first = kernels.stream().mapToLong(NodeExecStats::getAllStartMicros).min().orElse(0);
    return kernels.stream()
        .sorted(Comparator.comparingLong(k -> k.getAllStartMicros() + k.getOpStartRelMicros()))
        .map(k -> String.format("%7d %7d  %-30s %s",
            k.getAllStartMicros() + k.getOpStartRelMicros() - first,
            k.getAllStartMicros() + k.getOpEndRelMicros() - first,
            typeOf.getOrDefault(k.getNodeName().split(":")[0], "?"), k.getNodeName()))
        .toList();
  }

  private static void report(String model, int nodes, double msPerStep, int steps, Trace trace) {
    double total = trace.byType().values().stream().mapToDouble(a -> a[0]).sum();
    double kernels = trace.byType().values().stream().mapToDouble(a -> a[1]).sum();
    int partitionNodes = trace.partitionOps().values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("model %s: %d graph nodes, %d nodes after Grappler; untraced %.3f ms/step"
        + " (%d steps); traced %.3f ms/step; %.0f kernels/step, kernel time %.3f ms/step%n",
        model, nodes, partitionNodes, msPerStep, steps, trace.wallMsPerTracedStep(),
        kernels / trace.tracedSteps(), total / 1000 / trace.tracedSteps());
    System.out.println("op type                          kernels/step   µs/step  share");
    trace.byType().entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(e -> System.out.printf("%-32s %12.1f %9.1f %5.1f%%%n", e.getKey(),
            e.getValue()[1] / trace.tracedSteps(), e.getValue()[0] / trace.tracedSteps(),
            100 * e.getValue()[0] / total));
    System.out.println("ops after Grappler: " + trace.partitionOps());
  }
}
