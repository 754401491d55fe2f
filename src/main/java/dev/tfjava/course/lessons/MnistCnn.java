package dev.tfjava.course.lessons;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tfjava.course.CommandLines;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.data.ImageSet;
import dev.tfjava.course.data.MnistDataset;
import dev.tfjava.course.data.MnistFiles;
import dev.tfjava.course.data.MnistDataOptions;
import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.export.RestoreOption;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.Conv2d;
import dev.tfjava.course.nn.ConvReluPool;
import dev.tfjava.course.nn.Dense;
import dev.tfjava.course.nn.Dropout;
import dev.tfjava.course.nn.ModelVariables;
import dev.tfjava.course.nn.RowBands;
import dev.tfjava.course.tensorboard.TensorBoardOptions;
import dev.tfjava.course.tensorboard.TrainingSummaries;
import dev.tfjava.course.train.AdamUpdate;
import dev.tfjava.course.train.BatchedEvaluator;
import dev.tfjava.course.train.BatchedEvaluator.Feed;
import dev.tfjava.course.train.CpuFlags;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.Precision;
import dev.tfjava.course.train.ProcessMeter;
import dev.tfjava.course.train.ProcessStats;
import dev.tfjava.course.train.ProgressListener;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import dev.tfjava.course.train.ThreadSettings;
import dev.tfjava.course.train.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Unit 2, second notebook: a CNN on MNIST (conv 32@3x3 → max-pool → dense 64 → dropout →
 * dense 10) trained with Adam, then its variables listed and fetched, a checkpoint saved and a SavedModel
 * exported for TensorFlow Serving.
 *
 * <p>The notebook's bug is fixed: it computes {@code fc11 = dropout(fc1)} but feeds {@code fc1} to
 * the output layer, so dropout never acts. Here the output layer reads the dropout's output;
 * {@code --no-dropout} rebuilds the notebook's graph for comparison.
 *
 * <p>On a CPU with two or more cores each training batch runs as two towers side by side
 * ({@code --towers}, {@link RowBands}): the top and bottom halves of every image convolved,
 * pooled and multiplied by their halves of fc1's kernel, each core with kernels of its own; the
 * same loss, gradient and update as the notebook's single pass.
 */
@Command(name = "mnist-cnn", mixinStandardHelpOptions = true,
    description = "Unit 2: a CNN with dropout on MNIST; checkpoint, SavedModel, figures.")
public final class MnistCnn extends Lesson<MnistCnn.Result> {

  // The notebook's In [25] constants.
  static final int HEIGHT = 28;
  static final int WIDTH = 28;
  static final int CHANNELS = 1;
  static final int N_INPUTS = HEIGHT * WIDTH;
  static final int CONV1_FMAPS = 32;
  static final int CONV1_KSIZE = 3;
  static final int CONV1_STRIDE = 1;
  static final String CONV1_PAD = "SAME";
  static final int POOL2_FMAPS = CONV1_FMAPS;
  static final int N_FC1 = 64;
  /** Rows after the 2×2 pooling: what a tower's band of rows must divide (--towers). */
  static final int POOLED_ROWS = HEIGHT / 2;
  static final int N_OUTPUTS = 10;

  /** The SavedModel's and the checkpoint's folder name. */
  public static final String MODEL = "mnist_cnn";
  /** The notebook's checkpoint prefix ({@code saver.save(sess, "./mnist_cnn/mnist.ckpt")}). */
  public static final String CHECKPOINT_PREFIX = "mnist.ckpt";
  /** Training images of a {@code --quick} run. */
  static final int QUICK_TRAIN_IMAGES = 5_000;
  /** Test digits in the predictions figure: the first ones, then the first misclassified ones. */
  static final int GRID_FIRST = 20;
  static final int GRID_MISTAKES = 20;

  @Mixin
  MnistDataOptions data = new MnistDataOptions();

  @Option(names = "--epochs", defaultValue = "10", paramLabel = "N",
      description = "Training epochs (default: ${DEFAULT-VALUE}; --quick: 1 epoch on at most 5,000"
          + " training images).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "50", paramLabel = "N",
      description = "Training batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--keep-prob", defaultValue = "0.5", paramLabel = "P",
      description = "Dropout keep probability while training (default: ${DEFAULT-VALUE}).")
  float keepProb;

  @Option(names = "--no-dropout",
      description = "Reproduce the notebook's bug: build the dropout but feed fc1 past it.")
  boolean noDropout;

  @Mixin
  TensorBoardOptions tensorBoard = new TensorBoardOptions();

  @Mixin
  RestoreOption restore = new RestoreOption();

  @Option(names = "--eval-batch-size", defaultValue = "0", paramLabel = "N",
      description = "Images per evaluation batch; bounds memory (default: 100 when training in"
          + " towers, where each batch runs on one core, else 1000).")
  int evalBatchSize;

  @Option(names = "--towers", defaultValue = "0", paramLabel = "N",
      description = "Train the convolution, pooling and fc1 in N bands of image rows side by side,"
          + " one per inter-op thread: 1, 2, 7 or 14 (dividing the 14 pooled rows); the gradient"
          + " is the same (default: 2 on a CPU with 2 or more cores, else 1; 1 = the notebook's"
          + " graph as written).")
  int towers;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
      description = "Number format of the computation (default: ${DEFAULT-VALUE}). bf16: TensorFlow's"
          + " oneDNN auto mixed precision runs convolutions and matmuls in bfloat16, on CPUs with"
          + " avx512_bf16 or amx_bf16 only; variables, checkpoint and SavedModel stay float32.")
  Precision precision;

  /** The CPU that --precision bf16 is checked against; tests stand in other CPUs. */
  Supplier<CpuFlags> cpu = CpuFlags::ofThisMachine;

  public static void main(String[] args) {
    CommandLines.runAndExit(new MnistCnn(), args);
  }

  @Override
  protected Precision precision() {
    return precision;
  }

  @Override
  protected List<String> exportedModels() {
    return List.of(MODEL);
  }

  @Override
  protected void applyQuick() {
    epochs = Math.min(epochs, 1);
  }

  @Override
  protected ThreadSettings defaultThreads() {
    return threadsFor(towers(), Runtime.getRuntime().availableProcessors());
  }

  /** --towers, or its default. */
  int towers() {
    return towers > 0 ? towers : defaultTowers(options.device() != Device.GPU,
        Runtime.getRuntime().availableProcessors());
  }

  /** The default tower count: 2 on the CPU of a machine with 2 or more cores, else 1. */
  public static int defaultTowers(boolean cpu, int cores) {
    return cpu && cores >= 2 ? 2 : 1;
  }

  /**
   * The thread settings for {@code towers}: one inter-op thread per tower, so the towers run side
   * by side, and the cores shared out among them for each kernel; one tower gets TensorFlow's
   * intra-op choice and one inter-op thread. Either way the number of threads that run kernels is
   * fixed, and each builds its own copies of oneDNN's primitives once (TensorFlow caches them per
   * thread, tensorflow#54979), so memory stays flat after the first steps (scripts/bench-soak).
   */
  public static ThreadSettings threadsFor(int towers, int cores) {
    return towers == 1 ? new ThreadSettings(0, 1)
        : new ThreadSettings(Math.max(1, cores / towers), towers);
  }

  // ------------------------------------------------------------------------ construction phase

  /**
   * The graph's handles, named as in the notebook. {@code logits} and {@code loss} come from the
   * training pass (dropout at keep_prob); {@code yProb}, {@code classes} and {@code accuracy} from
   * the inference pass over the same variables, without the dropout (keep_prob 1).
   */
  public record Model(Placeholder<TFloat32> X, Placeholder<TFloat32> y,
      PlaceholderWithDefault<TFloat32> keepProb, Operand<TFloat32> logits,
      Operand<TFloat32> yProb, Operand<TInt64> classes, Operand<TFloat32> loss, Op trainingOp,
      Operand<TFloat32> accuracy, List<Variable<TFloat32>> trainableVariables) {}

  /**
   * In [25]: the graph, in the notebook's name scopes. Variables are created at the root scope as
   * {@code conv1/kernel}, {@code fc1/bias}, ... (as {@code tf.layers} names them); since the
   * framework's Adam cannot name slots for such variables, {@link AdamUpdate} builds the update
   * from explicit gradients.
   *
   * @param applyDropout false rebuilds the notebook's bug (the output layer reads fc1, not fc11)
   */
  public static Model buildGraph(Ops tf, Seeds seeds, boolean applyDropout) {
    return buildGraph(tf, seeds, applyDropout, 1);
  }

  /**
   * The graph with its training pass's convolution, pooling and fc1 cut into {@code towers}
   * bands of image rows ({@link RowBands}; {@code towers} divides the 14 pooled rows). The loss,
   * its gradient and the update are the same as with one tower; the inference pass (evaluation,
   * serving) is the same graph.
   */
  public static Model buildGraph(Ops tf, Seeds seeds, boolean applyDropout, int towers) {
    Ops inputs = tf.withSubScope("Inputs");
    Placeholder<TFloat32> X = inputs.withName("X").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, N_INPUTS)));
    Operand<TFloat32> xReshaped = inputs.reshape(X,
        inputs.constant(new long[] {-1, HEIGHT, WIDTH, CHANNELS}));
    Placeholder<TFloat32> y = inputs.withName("y").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, N_OUTPUTS)));
    // A default of 1.0, so evaluation and serving need not feed it.
    PlaceholderWithDefault<TFloat32> keepProb = inputs.withName("keep_prob")
        .placeholderWithDefault(inputs.constant(1f), Shape.scalar());

    ModelVariables vars = new ModelVariables(tf, seeds, "init_and_save");
    Ops conv1Scope = tf.withSubScope("Conv1");
    Conv2d conv1Layer = Conv2d.create(vars, "conv1", CONV1_KSIZE, CHANNELS,
        CONV1_FMAPS, CONV1_STRIDE, CONV1_PAD);

    // conv1 = relu(conv2d(X) + b), then pool2 = max_pool(conv1), built twice with the same
    // variables and values (nn/ConvReluPool): pooling first for training, whose backward pass is
    // cheaper that way, and in the notebook's order for inference, whose forward pass then runs
    // as one fused kernel.
    // The training pass's convolution, pooling and fc1 run per tower (nn/RowBands: bands of
    // every image's rows side by side on the cores); one tower is the notebook's graph as it was.
    Ops pool2Scope = tf.withSubScope("pool2");
    Ops fc1Scope = tf.withSubScope("fc1");
    Dense fc1Layer = Dense.create(vars, "fc1", POOL2_FMAPS * 14 * 14, N_FC1);
    Operand<TFloat32> fc1;
    if (towers == 1) {
      fc1 = fc1(fc1Scope, fc1Layer, ConvReluPool.training(conv1Scope, pool2Scope, conv1Layer,
          xReshaped, 2, 2, "VALID"));
    } else {
      // Each band's pooled rows are a contiguous block of fc1's flattened input (NHWC flattens
      // row by row), so fc1 is the sum of the bands' products with their rows of its kernel.
      Conv2d bandConv = conv1Layer.withPadding("VALID");
      List<Operand<TFloat32>> pooledBands = new ArrayList<>();
      for (Operand<TFloat32> band : RowBands.split(conv1Scope, xReshaped, towers, CONV1_KSIZE)) {
        Operand<TFloat32> pool2 = ConvReluPool.training(conv1Scope, pool2Scope, bandConv, band,
            2, 2, "VALID");
        pooledBands.add(fc1Scope.reshape(pool2,
            fc1Scope.constant(new long[] {-1, POOL2_FMAPS * 14 * 14 / towers})));
      }
      fc1 = Activation.RELU.apply(fc1Scope, fc1Layer.applyToRowBlocks(fc1Scope, pooledBands));
    }
    Operand<TFloat32> pool2Inference = ConvReluPool.inference(conv1Scope, pool2Scope, conv1Layer,
        xReshaped, 2, 2, "VALID");

    Ops dropoutScope = tf.withSubScope("dropout");
    Operand<TFloat32> fc11 = Dropout.apply(dropoutScope, fc1, keepProb, seeds);

    Ops outputScope = tf.withSubScope("output");
    Dense outputLayer = Dense.create(vars, "output", N_FC1, N_OUTPUTS);
    // The notebook's bug was `logits = dense(fc1, ...)`: its dropout output fc11 went nowhere.
    Operand<TFloat32> logits = outputLayer.apply(outputScope, applyDropout ? fc11 : fc1);
    // Y_prob, classes and the accuracy as the notebook evaluates them, with keep_prob 1: the
    // dropout is the identity, so the inference pass leaves it out.
    Operand<TFloat32> inferenceLogits = outputLayer.apply(outputScope,
        fc1(fc1Scope, fc1Layer, pool2Inference));
    Operand<TFloat32> yProb = outputScope.withName("Y_prob").nn.softmax(inferenceLogits);
    Operand<TInt64> classes = outputScope.withName("classes").math
        .argMax(inferenceLogits, outputScope.constant(1));

    List<Variable<TFloat32>> trainable = new ArrayList<>();
    trainable.addAll(conv1Layer.weights().variables());
    trainable.addAll(fc1Layer.weights().variables());
    trainable.addAll(outputLayer.weights().variables());

    Ops train = tf.withSubScope("train");
    Operand<TFloat32> xentropy = train.withName("xentropy").nn
        .softmaxCrossEntropyWithLogits(logits, y).loss();
    Operand<TFloat32> loss = train.withName("loss").math.mean(xentropy, train.constant(0));
    Op trainingOp = AdamUpdate.minimize(train, loss, trainable);

    Ops eval = tf.withSubScope("eval");
    Operand<TFloat32> correct = eval.dtypes.cast(eval.math.equal(
        eval.math.argMax(inferenceLogits, eval.constant(1)), eval.math.argMax(y, eval.constant(1))),
        TFloat32.class);
    Operand<TFloat32> accuracy = eval.withName("accuracy").math.mean(correct, eval.constant(0));

    // init_and_save: TF Java runs the variables' initializers with the session's first run, and
    // the session itself saves and restores (Checkpoints), so the scope has nothing to build.
    return new Model(X, y, keepProb, logits, yProb, classes, loss, trainingOp, accuracy, trainable);
  }

  /** fc1 = relu(dense(flatten(pool2))). */
  private static Operand<TFloat32> fc1(Ops fc1Scope, Dense fc1Layer, Operand<TFloat32> pool2) {
    Operand<TFloat32> flat = fc1Scope.reshape(pool2,
        fc1Scope.constant(new long[] {-1, POOL2_FMAPS * 14 * 14}));
    return Activation.RELU.apply(fc1Scope, fc1Layer.apply(fc1Scope, flat));
  }

  // ------------------------------------------------------------------------ execution phase

  /** One epoch's numbers, as printed and written to metrics.json. */
  public record EpochStats(@JsonProperty("epoch") int epoch,
      @JsonProperty("train_accuracy") double trainAccuracy,
      @JsonProperty("test_accuracy") double testAccuracy,
      @JsonProperty("loss") double loss,
      @JsonProperty("train_seconds") double trainSeconds,
      @JsonProperty("images_per_second") double imagesPerSecond,
      @JsonProperty("train_cpu_seconds") double trainCpuSeconds,
      @JsonProperty("train_minor_page_faults") long trainMinorFaults,
      @JsonProperty("eval_seconds") double evalSeconds,
      @JsonProperty("rss_mib") double rssMiB) {}

  /** What the lesson found: the notebook's printed numbers and where its outputs went. */
  public record Result(DataUsed data, boolean dropoutApplied, int towers, List<EpochStats> epochs,
      List<String> trainableVariables, float[] conv1Bias, double finalTrainAccuracy,
      double finalTestAccuracy, double validationAccuracy, String checkpoint, String savedModel,
      String tensorboardLogdir, double tensorboardSeconds, List<String> figures) {}

  /** Which data the run used. */
  public record DataUsed(String dataset, String origin, String location, int trainImages,
      int validationImages, int testImages, String warning) {}

  @Override
  protected Result run(LessonContext context) {
    var out = context.console();

    // Import the data: MNIST (or Fashion-MNIST), split as input_data.read_data_sets splits it.
    MnistDataset mnist = data.load();
    ImageSet train = context.quick() ? mnist.train().head(QUICK_TRAIN_IMAGES) : mnist.train();
    int nEpochs = epochs;
    out.printf("Data: %s from %s (%s): %,d train / %,d validation / %,d test images%n",
        mnist.variant().id(), mnist.source().origin().label(), mnist.source().location(),
        train.count(), mnist.validation().count(), mnist.test().count());
    out.println(noDropout
        ? "Dropout: NOT applied (--no-dropout reproduces the notebook's bug)"
        : "Dropout: applied with keep_prob " + keepProb + " (the notebook's bug fixed)");
    if (precision == Precision.BF16) {
      out.println("Precision: bf16 (oneDNN auto mixed precision; variables and exports float32)");
    }

    try (Graph graph = new Graph()) {
      // In [25]: the construction phase.
      // Towers share out a CPU's cores; a GPU runs one batch at a time anyway.
      int nTowers = towers == 0 && context.sessions().device() == Device.GPU ? 1 : towers();
      if (nTowers > 1) {
        out.printf("Training: %d towers of %d image rows each, side by side (--towers)%n",
            nTowers, HEIGHT / nTowers);
      }
      Model model = buildGraph(context.sessions().ops(graph), context.seeds(), !noDropout,
          nTowers);
      // With towers each evaluation run has one intra-op thread, and two run side by side: small
      // batches keep a run's working set near its core (65k images: 0.72 s in batches of 100
      // against 1.18 s in batches of 1,000, BENCHMARKS.md); one tower shares each kernel among
      // the cores, where 1,000 serves best.
      int evalBatch = evalBatchSize > 0 ? evalBatchSize : nTowers > 1 ? 100 : 1000;
      Optional<Path> logdir = context.tensorBoardDir(tensorBoard);
      try (Session sess = context.sessions().open(graph)) {
        // Restored (or refused) before the event file exists: a refused run writes nothing.
        restore.restoreInto(sess, graph, MODEL, out);
        try (TrainingSummaries summaries = TrainingSummaries.open(logdir, graph,
            tensorBoard.summaryEvery())) {
          logdir.ifPresent(dir -> out.println("TensorBoard: " + dir + "  (tensorboard --logdir "
              + dir.getParent() + ")"));

          // In [26]: n_epochs = 10, batch_size = 50; train, then the accuracies after each epoch.
          List<EpochStats> history = new ArrayList<>();
          int steps = train.count() / batchSize;
          BatchedEvaluator evaluator = new BatchedEvaluator(sess, evalBatch);
          Random shuffle = context.seeds().random("mnist-batches");
          ProcessMeter meter = new ProcessMeter();
          try (TrainingLoop loop = trainingLoop(sess, model, batchSize, keepProb)
              .listen(meter).listen(summaries).listen(new ProgressListener("img"))) {
            for (int epoch = 0; epoch < nEpochs; epoch++) {
              TrainingLoop.PassSummary pass = loop.run(
                  String.format("Epoch %d/%d", epoch + 1, nEpochs), (long) epoch * steps, steps,
                  batchSize, shuffledBatches(train, shuffle, batchSize));
              long evalStart = System.nanoTime();
              double accTrain = accuracy(evaluator, model, train);
              double accTest = accuracy(evaluator, model, mnist.test());
              double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
              out.println(epoch + " Train accuracy: " + (float) accTrain + " , Test accuracy: "
                  + (float) accTest);
              ProcessMeter.Usage usage = meter.last();
              history.add(new EpochStats(epoch, accTrain, accTest, pass.meanLoss(), pass.seconds(),
                  pass.examplesPerSecond(), usage.cpuSeconds(), usage.minorPageFaults(), evalSeconds,
                  usage.rssMiB()));
              // Tagged at the epoch's last step, so these points line up with the loss curve.
              long step = (long) (epoch + 1) * steps;
              summaries.scalar("accuracy/train", step, accTrain);
              summaries.scalar("accuracy/test", step, accTest);
              summaries.scalar("loss/epoch_mean", step, pass.meanLoss());
              summaries.histograms(sess, step, model.trainableVariables());
            }
          }
          if (history.isEmpty()) { // --epochs 0: the restored model, evaluated as it is
            double accTrain = accuracy(evaluator, model, train);
            double accTest = accuracy(evaluator, model, mnist.test());
            out.println("Restored model: Train accuracy: " + (float) accTrain + " , Test accuracy: "
                + (float) accTest);
            history.add(new EpochStats(0, accTrain, accTest, Double.NaN, 0, 0, 0, 0, 0,
                ProcessStats.residentMiB()));
          }

          // var = [v.name for v in tf.trainable_variables()]; print(var)
          List<String> names = model.trainableVariables().stream()
              .map(v -> v.op().name() + ":0").collect(Collectors.toList());
          out.println(names.stream().map(n -> "'" + n + "'")
              .collect(Collectors.joining(", ", "[", "]")));

          // filters = graph.get_tensor_by_name("conv1/kernel:0").eval(), and conv1/bias:0
          float[] filters;
          float[] bias;
          try (org.tensorflow.Result values =
              sess.runner().fetch("conv1/kernel").fetch("conv1/bias").run()) {
            filters = Tensors.toArray(values.get(0));
            bias = Tensors.toArray(values.get(1));
            out.println("conv1/kernel:0 shape " + values.get(0).shape() + ", conv1/bias:0 shape "
                + values.get(1).shape());
          }

          // save_path = saver.save(sess, "./mnist_cnn/mnist.ckpt"); and a SavedModel for serving.
          Path checkpoint = Checkpoints.save(sess, context.checkpoint(MODEL), CHECKPOINT_PREFIX);
          out.println("Saved checkpoint to " + checkpoint);
          Path export = SavedModels.export(sess, signature(model), context.models(), MODEL,
              WarmupFiles.cnn(MODEL, mnist.test()));
          out.println("Exported SavedModel to " + export
              + " (serving_default: X [-1, 784] -> Y_prob [-1, 10], classes)");

          // Beyond the notebook: validation accuracy and the figures.
          double validation = accuracy(evaluator, model, mnist.validation());
          List<String> figures = MnistFigures.writeAll(context::output, history, mnist, filters,
              probabilities(sess, model, mnist.test(), evalBatch));
          EpochStats last = history.get(history.size() - 1);
          return new Result(dataUsed(mnist), !noDropout, nTowers, history, names, bias,
              last.trainAccuracy(), last.testAccuracy(), validation, checkpoint.toString(),
              export.toString(), logdir.map(Path::toString).orElse(null), summaries.seconds(),
              figures);
        }
      }
    }
  }

  @Override
  protected void validateOptions() {
    if (epochs < (restore.given() ? 0 : 1)) { // 0 with --restore: restore, evaluate, export
      throw CourseException.badInput("--epochs must be >= 1 (>= 0 with --restore), got " + epochs);
    }
    if (batchSize < 1 || evalBatchSize < 0) {
      throw CourseException.badInput("--batch-size must be >= 1 and --eval-batch-size >= 1 (or 0"
          + " for the default)");
    }
    if (batchSize > 100_000 || evalBatchSize > 100_000) {
      throw CourseException.badInput("--batch-size and --eval-batch-size must be <= 100000");
    }
    if (towers < 0 || towers > POOLED_ROWS || (towers > 0 && POOLED_ROWS % towers != 0)) {
      throw CourseException.badInput("--towers must divide the " + POOLED_ROWS + " pooled rows"
          + " (1, 2, 7 or 14), or be 0 for the default; got " + towers);
    }
    if (!(keepProb > 0 && keepProb <= 1)) {
      throw CourseException.badInput("--keep-prob must be in (0, 1], got " + keepProb);
    }
    precision.requireSupportedBy(cpu.get());
  }

  private static DataUsed dataUsed(MnistDataset mnist) {
    MnistFiles.Located files = mnist.source();
    return new DataUsed(mnist.variant().id(), files.origin().label(), files.location(),
        mnist.train().count(), mnist.validation().count(), mnist.test().count(),
        files.origin() == MnistFiles.Origin.EMBEDDED_SAMPLE
            ? "embedded 2,500-digit sample: accuracies do not match the notebook" : null);
  }

  /**
   * In [26]'s inner step, {@code sess.run(training_op, feed_dict={X: X_batch, y: y_batch,
   * keep_prob: 0.5})}, as a loop over batches of {@code batchSize}.
   *
   * @param keepProb fed to keep_prob (ignored by a graph built without dropout)
   */
  public static TrainingLoop trainingLoop(Session sess, Model model, int batchSize,
      float keepProb) {
    return new TrainingLoop(sess, model.trainingOp(), model.loss(),
        model.X(), Shape.of(batchSize, N_INPUTS), model.y(), Shape.of(batchSize, N_OUTPUTS))
        .feedEveryStep(model.keepProb(), TFloat32.scalarOf(keepProb));
  }

  /**
   * {@code mnist.train.next_batch(batch_size)} for one epoch: the training set shuffled anew, cut
   * into {@code train.count() / batchSize} batches.
   */
  public static TrainingLoop.Batches shuffledBatches(ImageSet train, Random shuffle,
      int batchSize) {
    if (train.count() < batchSize) {
      throw CourseException.badInput("--batch-size " + batchSize + " is larger than the "
          + train.count() + " training images");
    }
    int[] order = train.shuffledOrder(shuffle);
    return (step, x, y) -> train.copyBatch(order, step * batchSize, x, y);
  }

  /** {@code accuracy.eval(feed_dict={X: images, y: labels})}, in batches. */
  public static double accuracy(BatchedEvaluator evaluator, Model model, ImageSet set) {
    return evaluator.mean(model.accuracy(), new Feed(model.X(), set.pixels(), N_INPUTS),
        new Feed(model.y(), set.oneHot(), N_OUTPUTS));
  }

  /** Y_prob for every image of {@code set}, [count, 10] row-major, in batches. */
  public static float[] probabilities(Session sess, Model model, ImageSet set, int batchSize) {
    return new BatchedEvaluator(sess, batchSize).outputs(model.yProb(), N_OUTPUTS,
        new Feed(model.X(), set.pixels(), N_INPUTS));
  }

  /** The serving signature: X [-1, 784] → Y_prob [-1, 10] and classes [-1] (int64). */
  public static Signature signature(Model model) {
    return SavedModels.predictSignature(Map.of("X", model.X()),
        Map.of("Y_prob", model.yProb(), "classes", model.classes()));
  }
}
