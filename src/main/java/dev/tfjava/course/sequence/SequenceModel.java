package dev.tfjava.course.sequence;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.LayerWeights;
import dev.tfjava.course.nn.ModelVariables;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.nn.cells.RecurrentCell;
import dev.tfjava.course.nn.cells.StaticUnroll;
import dev.tfjava.course.train.AdamUpdate;
import dev.tfjava.course.train.Seeds;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The Unit 3 graph, one for all three cells, in the notebook's name scopes:
 * <ul>
 *   <li>Inputs: {@code X}, {@code y} placeholders [None, steps, 1];</li>
 *   <li>Cell: the cell (ReLU, 100 units) unrolled over the steps from the zero state;</li>
 *   <li>Outputs: the [batch, steps, units] outputs reshaped to [batch·steps, units], one dense
 *       layer units → 1 shared by every step, reshaped back to [batch, steps, 1]
 *       ({@code outputs}); plus {@code last_output}, the same layer on the last step alone, which
 *       is all that generating needs;</li>
 *   <li>Training: mean squared error ({@code loss}) and Adam ({@code train});</li>
 *   <li>Init_and_Saver: the variables' initial values (see {@link ModelVariables}).</li>
 * </ul>
 * The variables carry the notebook's TF1 names ({@code rnn/basic_lstm_cell/kernel},
 * {@code dense/kernel}, {@code dense/bias}; Adam's {@code <var>/Adam}, {@code <var>/Adam_1},
 * {@code Training/beta1_power}, {@code Training/beta2_power}), so its checkpoints restore into
 * the notebook's graph.
 */
public final class SequenceModel {
  /** The model's sizes and learning rate. */
  public record Config(CellKind kind, int units, int steps, float learningRate) {
    /** The notebook's model: 100 units, 20 steps, learning rate 0.001. */
    public static Config notebook(CellKind kind, float learningRate) {
      return new Config(kind, 100, dev.tfjava.course.data.TimeSeries.STEPS, learningRate);
    }
  }

  /** Inputs and outputs per step (a scalar series). */
  public static final int FEATURES = 1;

  private final Config config;
  private final RecurrentCell cell;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> y;
  private final Operand<TFloat32> outputs;
  private final Operand<TFloat32> lastOutput;
  private final Operand<TFloat32> loss;
  private final Op train;
  private final List<Variable<TFloat32>> variables;
  private final SingleStep singleStep;

  /**
   * One cell step on its own ({@code Generator} scope, inference graphs only): x [rows, 1] and the
   * state parts [rows, units] in, the new state parts and the dense layer's output [rows, 1] out.
   * {@link SequenceGenerator} pipelines the notebook's window-by-window generation through it.
   */
  public record SingleStep(Placeholder<TFloat32> x, List<Placeholder<TFloat32>> state,
      List<Operand<TFloat32>> newState, Operand<TFloat32> output) {}

  private SequenceModel(Config config, Ops tf, Seeds seeds, boolean training) {
    this.config = config;
    int steps = config.steps();
    ModelVariables vars = new ModelVariables(tf, seeds, "Init_and_Saver");

    Ops inputs = tf.withSubScope("Inputs");
    x = inputs.withName("X").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, steps, FEATURES)));
    y = inputs.withName("y").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, steps, FEATURES)));

    cell = config.kind().create(config.units(), Activation.RELU);
    cell.build(vars, FEATURES);
    StaticUnroll.Result rnn = StaticUnroll.unroll(tf.withSubScope("Cell"), cell, x, steps, FEATURES);

    Ops out = tf.withSubScope("Outputs");
    // tf.layers.dense(stacked_rnn_outputs, n_outputs): dense/kernel [units, 1], dense/bias [1].
    LayerWeights dense = vars.layer("dense", Shape.of(config.units(), FEATURES));
    Variable<TFloat32> kernel = dense.kernel();
    Variable<TFloat32> bias = dense.bias();
    Operand<TFloat32> stacked = out.reshape(rnn.outputs(),
        out.constant(new long[] {-1, config.units()}));
    Operand<TFloat32> perStep = out.math.add(out.linalg.matMul(stacked, kernel), bias);
    outputs = out.withName("outputs").reshape(perStep,
        out.constant(new long[] {-1, steps, FEATURES}));
    lastOutput = out.withName("last_output").math.add(
        out.linalg.matMul(rnn.lastOutput(), kernel), bias);
    variables = vars.all();

    if (training) {
      singleStep = null;
    } else {
      Ops gen = tf.withSubScope("Generator");
      Placeholder<TFloat32> stepX = gen.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, FEATURES)));
      List<Placeholder<TFloat32>> stepState = new ArrayList<>();
      for (int p = 0; p < cell.stateParts(); p++) {
        stepState.add(gen.withName("state" + p).placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(-1, config.units()))));
      }
      RecurrentCell.Step step = cell.step(gen, stepX, new ArrayList<>(stepState));
      singleStep = new SingleStep(stepX, stepState, step.state(), gen.withName("output").math.add(
          gen.linalg.matMul(step.output(), kernel), bias));
    }

    if (training) {
      Ops train = tf.withSubScope("Training");
      loss = train.withName("loss").math.mean(train.math.squaredDifference(outputs, y),
          train.constant(new int[] {0, 1, 2}));
      // Adam on this model's variables only, as the MNIST lesson trains (train/AdamUpdate).
      this.train = AdamUpdate.minimize(train, loss, variables, config.learningRate());
    } else {
      loss = null;
      this.train = null;
    }
  }

  /** The graph for training: model, loss and Adam. */
  public static SequenceModel training(Graph graph, Ops tf, Config config, Seeds seeds) {
    return new SequenceModel(config, tf, seeds, true);
  }

  /** The graph for predicting and generating only (restore its variables from a checkpoint). */
  public static SequenceModel inference(Graph graph, Ops tf, Config config, Seeds seeds) {
    return new SequenceModel(config, tf, seeds, false);
  }

  public Config config() {
    return config;
  }

  public RecurrentCell cell() {
    return cell;
  }

  /** {@code Inputs/X}: [batch, steps, 1]. */
  public Placeholder<TFloat32> x() {
    return x;
  }

  /** {@code Inputs/y}: [batch, steps, 1]. */
  public Placeholder<TFloat32> y() {
    return y;
  }

  /** {@code Outputs/outputs}: [batch, steps, 1]. */
  public Operand<TFloat32> outputs() {
    return outputs;
  }

  /** {@code Outputs/last_output}: [batch, 1], the prediction after the last step. */
  public Operand<TFloat32> lastOutput() {
    return lastOutput;
  }

  /** {@code Training/loss}, the mean squared error (training graphs only). */
  public Operand<TFloat32> loss() {
    return require(loss);
  }

  /** The Adam update of every model variable (training graphs only). */
  public Op train() {
    return require(train);
  }

  /** The single-step subgraph (inference graphs only). */
  public SingleStep singleStep() {
    return require(singleStep);
  }

  /** The trainable variables: the cell's, then the dense layer's kernel and bias. */
  public List<Variable<TFloat32>> variables() {
    return variables;
  }

  private <T> T require(T trainingOp) {
    if (trainingOp == null) {
      throw new IllegalStateException("this graph was not built with that part");
    }
    return trainingOp;
  }
}
