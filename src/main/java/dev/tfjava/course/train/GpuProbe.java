package dev.tfjava.course.train;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * Finds out whether TensorFlow can use a GPU, with public API only: it pins one op to
 * {@code /GPU:0} with soft placement off and runs it. Without a usable GPU (the CPU build, or the
 * GPU build without CUDA drivers) placement fails and the answer is no.
 */
final class GpuProbe {
  private static Boolean visible;

  private GpuProbe() {}

  static synchronized boolean gpuVisible() {
    if (visible == null) {
      visible = probe();
    }
    return visible;
  }

  private static boolean probe() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph).withDevice(
          DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
      var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
      ConfigProto strict = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
      try (Session session = new Session(graph, strict);
          Result result = session.runner().fetch(probe).run()) {
        return result.size() == 1;
      }
    } catch (RuntimeException noGpu) {
      return false;
    }
  }
}
