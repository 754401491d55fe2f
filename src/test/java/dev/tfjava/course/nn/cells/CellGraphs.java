package dev.tfjava.course.nn.cells;

import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Test helpers: a CPU session factory and random values assigned to a cell's weights. */
final class CellGraphs {
  static final SessionFactory SESSIONS =
      new SessionFactory(Device.CPU, new ThreadSettings(1, 1), false);

  private CellGraphs() {}

  /** Random U[−scale, scale) values for every weight (biases included), and the ops assigning them. */
  record RandomWeights(List<double[]> values, List<Op> assigns) {
    void assign(Session session) {
      for (Op assign : assigns) {
        session.run(assign);
      }
    }
  }

  static RandomWeights randomWeights(Ops tf, List<Variable<TFloat32>> weights, Random random,
      double scale) {
    List<double[]> values = new ArrayList<>();
    List<Op> assigns = new ArrayList<>();
    for (Variable<TFloat32> w : weights) {
      int size = (int) w.shape().size();
      float[] v = new float[size];
      double[] d = new double[size];
      for (int i = 0; i < size; i++) {
        v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        d[i] = v[i];
      }
      values.add(d);
      assigns.add(tf.assign(w, tf.constant(w.shape(), DataBuffers.of(v, true, false))));
    }
    return new RandomWeights(values, assigns);
  }

  static float[] randomFloats(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
