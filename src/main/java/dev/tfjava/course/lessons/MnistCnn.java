package dev.tfjava.course.lessons;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.cli.CommandLines;
import dev.tfjava.course.data.ImageSet;
import dev.tfjava.course.data.MnistDataset;
import dev.tfjava.course.data.MnistFiles;
import dev.tfjava.course.data.MnistSource;
import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.Conv2d;
import dev.tfjava.course.nn.Dense;
import dev.tfjava.course.nn.Dropout;
import dev.tfjava.course.nn.MaxPool;
import dev.tfjava.course.plot.Charts;
import dev.tfjava.course.plot.Png;
import dev.tfjava.course.train.AdamUpdate;
import dev.tfjava.course.train.BatchedEvaluator;
import dev.tfjava.course.train.BatchedEvaluator.Feed;
import dev.tfjava.course.train.ProcessStats;
import dev.tfjava.course.tensorboard.TensorBoardOptions;
import dev.tfjava.course.tensorboard.TrainingSummaries;
import dev.tfjava.course.train.Progress;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
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
 */
@Command(name = "mnist-cnn", mixinStandardHelpOptions = true,
    description = "Unit 2: a CNN with dropout on MNIST; checkpoint, SavedModel, figures.")
public final class MnistCnn extends Lesson {

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
  static final int N_OUTPUTS = 10;

  /** The SavedModel's and the checkpoint's folder name. */
  public static final String MODEL = "mnist_cnn";
  /** Training images of a {@code --quick} run. */
  static final int QUICK_TRAIN_IMAGES = 5_000;
  /** Test digits in the predictions figure: the first ones, then the first misclassified ones. */
  static final int GRID_FIRST = 20;
  static final int GRID_MISTAKES = 20;

  @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "mnist|fashion-mnist",
      converter = VariantConverter.class,
      description = "Which data set (default: ${DEFAULT-VALUE}).")
  MnistVariant dataset;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with the four IDX files (train-images-idx3-ubyte.gz, ...; .gz or raw)."
          + " Default: the cache, then (Fashion-MNIST) /usr/share/datasets, then a download, then"
          + " the embedded 2,500-digit sample.")
  Path data;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Cache root for downloads (default: $" + MnistSource.CACHE_ENV
          + ", else ~/.cache/tfjava-course); files go to DIR/<dataset>.")
  Path cache;

  @Option(names = "--offline",
      description = "Never try to download (MNIST then falls back to the embedded sample).")
  boolean offline;

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

  @Option(names = "--eval-batch-size", defaultValue = "1000", paramLabel = "N",
      description = "Images per evaluation batch; bounds memory (default: ${DEFAULT-VALUE}).")
  int evalBatchSize;

  public static void main(String[] args) {
    CommandLines.runAndExit(new MnistCnn(), args);
  }

  /** Picocli converter for {@code --dataset}. */
  static final class VariantConverter implements picocli.CommandLine.ITypeConverter<MnistVariant> {
    @Override
    public MnistVariant convert(String value) {
      try {
        return MnistVariant.parse(value);
      } catch (CourseException e) {
        throw new picocli.CommandLine.TypeConversionException("choose mnist or fashion-mnist");
      }
    }
  }

  @Override
  protected ThreadSettings defaultThreads() {
    // TensorFlow's own choice measured best for this CNN on 2 cores (BENCHMARKS.md).
    return ThreadSettings.TENSORFLOW_DEFAULT;
  }

  // ------------------------------------------------------------------------ construction phase

  /** The graph's handles, named as in the notebook. */
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

    Ops conv1Scope = tf.withSubScope("Conv1");
    Conv2d conv1Layer = Conv2d.create(tf.withSubScope("conv1"), seeds, CONV1_KSIZE, CHANNELS,
        CONV1_FMAPS, CONV1_STRIDE, CONV1_PAD);
    Operand<TFloat32> conv1 = Activation.RELU.apply(conv1Scope, conv1Layer.apply(conv1Scope, xReshaped));

    Ops pool2Scope = tf.withSubScope("pool2");
    Operand<TFloat32> pool2 = MaxPool.apply(pool2Scope, conv1, 2, 2, "VALID");
    Operand<TFloat32> pool2Flat = pool2Scope.reshape(pool2,
        pool2Scope.constant(new long[] {-1, POOL2_FMAPS * 14 * 14}));

    Ops fc1Scope = tf.withSubScope("fc1");
    Dense fc1Layer = Dense.create(fc1Scope, seeds, POOL2_FMAPS * 14 * 14, N_FC1);
    Operand<TFloat32> fc1 = Activation.RELU.apply(fc1Scope, fc1Layer.apply(fc1Scope, pool2Flat));

    Ops dropoutScope = tf.withSubScope("dropout");
    Operand<TFloat32> fc11 = Dropout.apply(dropoutScope, fc1, keepProb, seeds);

    Ops outputScope = tf.withSubScope("output");
    Dense outputLayer = Dense.create(outputScope, seeds, N_FC1, N_OUTPUTS);
    // The notebook's bug was `logits = dense(fc1, ...)`: its dropout output fc11 went nowhere.
    Operand<TFloat32> logits = outputLayer.apply(outputScope, applyDropout ? fc11 : fc1);
    Operand<TFloat32> yProb = outputScope.withName("Y_prob").nn.softmax(logits);
    Operand<TInt64> classes = outputScope.withName("classes").math
        .argMax(logits, outputScope.constant(1));

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
        eval.math.argMax(logits, eval.constant(1)), eval.math.argMax(y, eval.constant(1))),
        TFloat32.class);
    Operand<TFloat32> accuracy = eval.withName("accuracy").math.mean(correct, eval.constant(0));

    // init_and_save: TF Java runs the variables' initializers with the session's first run, and
    // the session itself saves and restores (Checkpoints), so the scope has nothing to build.
    return new Model(X, y, keepProb, logits, yProb, classes, loss, trainingOp, accuracy, trainable);
  }

  // ------------------------------------------------------------------------ execution phase

  @Override
  protected void run(LessonContext context) {
    validateOptions();
    var out = context.console();
    MnistDataset mnist = loadData(context);
    ImageSet train = context.quick() ? mnist.train().head(QUICK_TRAIN_IMAGES) : mnist.train();
    int nEpochs = context.quick() ? 1 : epochs;
    out.printf("Data: %s from %s (%s): %,d train / %,d validation / %,d test images%n",
        mnist.variant().id(), mnist.source().origin().label(), mnist.source().location(),
        train.count(), mnist.validation().count(), mnist.test().count());
    out.println(noDropout
        ? "Dropout: NOT applied (--no-dropout reproduces the notebook's bug)"
        : "Dropout: applied with keep_prob " + keepProb + " (the notebook's bug fixed)");

    try (Graph graph = new Graph()) {
      Model model = buildGraph(context.sessions().ops(graph), context.seeds(), !noDropout);
      try (Session sess = context.sessions().open(graph);
          TrainingSummaries summaries = TrainingSummaries.open(tensorBoard.logdir(name()), graph,
              tensorBoard.summaryEvery())) {
        summaries.file().ifPresent(f -> {
          out.println("TensorBoard: " + f.getParent() + "  (tensorboard --logdir tf_logs)");
          context.metrics().put("tensorboard_logdir", f.getParent().toString());
        });
        List<EpochStats> history =
            trainEpochs(context, sess, model, train, mnist, nEpochs, summaries);
        context.metrics().put("tensorboard_seconds", summaries.seconds());
        afterTraining(context, sess, graph, model, mnist, history);
      }
    }
  }

  private void validateOptions() {
    if (epochs < 1 || batchSize < 1 || evalBatchSize < 1) {
      throw CourseException.badInput("--epochs, --batch-size and --eval-batch-size must be >= 1");
    }
    if (!(keepProb > 0 && keepProb <= 1)) {
      throw CourseException.badInput("--keep-prob must be in (0, 1], got " + keepProb);
    }
  }

  private MnistDataset loadData(LessonContext context) {
    Path cacheRoot = cache != null ? cache : MnistSource.defaultCacheRoot();
    MnistSource source = MnistSource.standard(dataset, cacheRoot, !offline, System.err);
    MnistFiles.Located files = source.locate(data);
    MnistDataset mnist = MnistDataset.load(dataset, files);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("dataset", dataset.id());
    record.put("origin", files.origin().label());
    record.put("location", files.location());
    record.put("train_images", mnist.train().count());
    record.put("validation_images", mnist.validation().count());
    record.put("test_images", mnist.test().count());
    if (files.origin() == MnistFiles.Origin.EMBEDDED_SAMPLE) {
      record.put("warning", "embedded 2,500-digit sample: accuracies do not match the notebook");
    }
    context.metrics().put("data", record);
    return mnist;
  }

  /** One epoch's numbers, as printed and written to metrics.json. */
  record EpochStats(@JsonProperty("epoch") int epoch,
      @JsonProperty("train_accuracy") double trainAccuracy,
      @JsonProperty("test_accuracy") double testAccuracy,
      @JsonProperty("loss") double loss,
      @JsonProperty("train_seconds") double trainSeconds,
      @JsonProperty("images_per_second") double imagesPerSecond,
      @JsonProperty("train_cpu_seconds") double trainCpuSeconds,
      @JsonProperty("train_minor_page_faults") long trainMinorFaults,
      @JsonProperty("eval_seconds") double evalSeconds,
      @JsonProperty("rss_mib") double rssMiB) {}

  /** In [26]: the training loop, with the notebook's line after each epoch. */
  private List<EpochStats> trainEpochs(LessonContext context, Session sess, Model model,
      ImageSet train, MnistDataset mnist, int nEpochs, TrainingSummaries summaries) {
    BatchedEvaluator evaluator = new BatchedEvaluator(sess, evalBatchSize);
    Random shuffle = context.seeds().random("mnist-batches");
    List<EpochStats> history = new ArrayList<>();
    for (int epoch = 0; epoch < nEpochs; epoch++) {
      long start = System.nanoTime();
      double cpuStart = ProcessStats.cpuSeconds();
      long faultsStart = ProcessStats.minorFaults();
      long firstStep = (long) epoch * (train.count() / batchSize);
      double loss = trainEpoch(sess, model, train, batchSize, keepProb, shuffle,
          String.format("Epoch %d/%d", epoch + 1, nEpochs), summaries, firstStep);
      double trainSeconds = (System.nanoTime() - start) / 1e9;
      double trainCpu = ProcessStats.cpuSeconds() - cpuStart;
      long trainFaults = ProcessStats.minorFaults() - faultsStart;

      long evalStart = System.nanoTime();
      double accTrain = accuracy(evaluator, model, train);
      double accTest = accuracy(evaluator, model, mnist.test());
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

      context.console().println(epoch + " Train accuracy: " + (float) accTrain
          + " , Test accuracy: " + (float) accTest);
      int images = (train.count() / batchSize) * batchSize;
      EpochStats stats = new EpochStats(epoch, accTrain, accTest, loss, trainSeconds,
          images / trainSeconds, trainCpu, trainFaults, evalSeconds, ProcessStats.residentMiB());
      System.err.printf("  epoch %d: train %.2f s (%,.0f images/s, CPU %.1f s, %,d minor page"
          + " faults), evaluation %.2f s, RSS %.0f MiB%n", epoch, trainSeconds,
          stats.imagesPerSecond(), trainCpu, trainFaults, evalSeconds, stats.rssMiB());
      context.metrics().append("epochs", stats);
      // Tagged at the epoch's last step, so these points line up with the loss curve.
      long step = (long) (epoch + 1) * (train.count() / batchSize);
      summaries.scalar("accuracy/train", step, (float) accTrain);
      summaries.scalar("accuracy/test", step, (float) accTest);
      summaries.scalar("loss/epoch_mean", step, loss);
      summaries.histograms(sess, step, model.trainableVariables());
      history.add(stats);
    }
    return history;
  }

  /**
   * One pass over the shuffled training set in {@code train.count() / batchSize} steps, like the
   * notebook's {@code mnist.train.num_examples // batch_size}. The batch arrays and input tensors
   * are reused and each step's result is closed at once, so native memory stays flat.
   *
   * @param keepProb fed to keep_prob (ignored by a graph built without dropout)
   * @param summaries where the step losses go for TensorBoard (every few steps)
   * @param firstStep the global step number of this epoch's first step
   * @return the mean training loss of the epoch
   */
  public static double trainEpoch(Session sess, Model model, ImageSet train, int batchSize,
      float keepProb, Random shuffle, String task, TrainingSummaries summaries, long firstStep) {
    int steps = train.count() / batchSize;
    if (steps == 0) {
      throw CourseException.badInput("--batch-size " + batchSize + " is larger than the "
          + train.count() + " training images");
    }
    int[] order = train.shuffledOrder(shuffle);
    float[] xBatch = new float[batchSize * N_INPUTS];
    float[] yBatch = new float[batchSize * N_OUTPUTS];
    // Views of the batch arrays: each step refills the arrays and copies them into the same two
    // input tensors, so the loop allocates no native memory of its own.
    FloatDataBuffer xValues = DataBuffers.of(xBatch, true, false);
    FloatDataBuffer yValues = DataBuffers.of(yBatch, true, false);
    double lossSum = 0;
    try (TFloat32 keep = TFloat32.scalarOf(keepProb);
        TFloat32 x = TFloat32.tensorOf(Shape.of(batchSize, N_INPUTS));
        TFloat32 y = TFloat32.tensorOf(Shape.of(batchSize, N_OUTPUTS));
        Progress progress = Progress.start(task, (long) steps * batchSize, "img")) {
      for (int step = 0; step < steps; step++) {
        train.copyBatch(order, step * batchSize, xBatch, yBatch);
        x.copyFrom(xValues);
        y.copyFrom(yValues);
        try (Result result = sess.runner().feed(model.X(), x).feed(model.y(), y)
                .feed(model.keepProb(), keep).addTarget(model.trainingOp())
                .fetch(model.loss()).run()) {
          float loss = Tensors.scalar(result.get(0));
          lossSum += loss;
          summaries.loss(firstStep + step, loss);
        }
        progress.step(batchSize);
        if (step % 50 == 0 || step == steps - 1) {
          progress.message(String.format("loss %.4f", lossSum / (step + 1)));
        }
      }
    }
    return lossSum / steps;
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

  /** After training: variable names, conv1's values, checkpoint, SavedModel, figures. */
  private void afterTraining(LessonContext context, Session sess, Graph graph, Model model,
      MnistDataset mnist, List<EpochStats> history) {
    var out = context.console();
    var metrics = context.metrics();

    // var = [v.name for v in tf.trainable_variables()]
    List<String> names = model.trainableVariables().stream()
        .map(v -> v.op().name() + ":0").collect(Collectors.toList());
    out.println(names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]")));

    // filters = graph.get_tensor_by_name("conv1/kernel:0").eval(), and conv1/bias:0
    float[] filters;
    float[] bias;
    try (Result values = sess.runner().fetch("conv1/kernel").fetch("conv1/bias").run()) {
      filters = Tensors.toArray(values.get(0));
      bias = Tensors.toArray(values.get(1));
      out.println("conv1/kernel:0 shape " + values.get(0).shape() + ", conv1/bias:0 shape "
          + values.get(1).shape());
    }

    Path checkpoint = Checkpoints.save(sess, context.checkpoint(MODEL));
    out.println("Saved checkpoint to " + checkpoint);
    Path export = SavedModels.export(sess, signature(model), context.models(), MODEL);
    out.println("Exported SavedModel to " + export
        + " (serving_default: X [-1, 784] -> Y_prob [-1, 10], classes)");

    BatchedEvaluator evaluator = new BatchedEvaluator(sess, evalBatchSize);
    double validation = accuracy(evaluator, model, mnist.validation());
    float[] testProbabilities = probabilities(sess, model, mnist.test(), evalBatchSize);

    List<String> figures = List.of("accuracy.png", "conv1_filters.png", "test_predictions.png");
    Charts.save(MnistFigures.accuracy(history, mnist.variant()), context.output(figures.get(0)));
    Png.write(MnistFigures.conv1Filters(filters), context.output(figures.get(1)));
    Png.write(MnistFigures.testPredictions(mnist.variant(), mnist.test(), testProbabilities),
        context.output(figures.get(2)));

    EpochStats last = history.get(history.size() - 1);
    metrics.put("trainable_variables", names);
    metrics.put("conv1_bias", bias);
    metrics.put("dropout_applied", !noDropout);
    metrics.put("final_train_accuracy", last.trainAccuracy());
    metrics.put("final_test_accuracy", last.testAccuracy());
    metrics.put("validation_accuracy", validation);
    metrics.put("checkpoint", checkpoint.toString());
    metrics.put("saved_model", export.toString());
    metrics.put("figures", figures);
  }
}
