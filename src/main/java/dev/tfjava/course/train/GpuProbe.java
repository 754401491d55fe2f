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

  /**
   * Whether a GPU is visible. The probe's session is the process's first, and TensorFlow keeps
   * the intra-op thread pool of the first session for every later one (unless
   * {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1}, which scripts/lessons sets), so it is opened with the
   * thread settings of the run that asks.
   */
  static synchronized boolean gpuVisible(ThreadSettings threads) {
    if (visible == null) {
      visible = probe(threads);
    }
    return visible;
  }

  private static boolean probe(ThreadSettings threads) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph).withDevice(
          DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
      var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
      ConfigProto strict = ConfigProto.newBuilder().setAllowSoftPlacement(false)
          .setIntraOpParallelismThreads(threads.intraOp())
          .setInterOpParallelismThreads(threads.interOp()).build();
      try (Session session = new Session(graph, strict);
          Result result = session.runner().fetch(probe).run()) {
        return result.size() == 1;
      }
    } catch (RuntimeException noGpu) {
      return false;
    }
  }
}
