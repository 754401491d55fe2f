package dev.tfjava.course.train;

import dev.tfjava.course.CourseException;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Opens sessions on the device and thread settings a run asked for.
 *
 * <p>{@code AUTO} resolves to the GPU when TensorFlow sees one, else the CPU; {@code GPU} when none
 * is visible is a {@link CourseException} with exit code 3. Soft placement is always on, so an op
 * without a GPU kernel falls back to the CPU instead of failing; on {@code CPU} the GPUs are hidden
 * from the session so that a GPU machine can still be asked to train on its CPU.
 */
public final class SessionFactory {
  private final Device device;
  private final ThreadSettings threads;
  private final boolean logPlacement;
  private final Precision precision;

  /**
   * Float32 sessions.
   *
   * @param requested the device from {@code --device}
   * @param threads intra/inter-op thread counts (0 = TensorFlow's default)
   * @param logPlacement print TensorFlow's device placement log (verbose; for checking GPU use)
   */
  public SessionFactory(Device requested, ThreadSettings threads, boolean logPlacement) {
    this(requested, threads, logPlacement, Precision.FP32);
  }

  /**
   * @param precision {@code BF16} only on the CPU: the oneDNN pass it turns on rewrites CPU
   *     kernels, so on a GPU it would do nothing and the run would not be what it says
   */
  public SessionFactory(Device requested, ThreadSettings threads, boolean logPlacement,
      Precision precision) {
    this.device = resolve(requested, threads);
    this.threads = threads;
    this.logPlacement = logPlacement;
    this.precision = precision;
    if (precision == Precision.BF16 && device == Device.GPU) {
      throw CourseException.badInput("--precision bf16 runs TensorFlow's oneDNN CPU kernels in"
          + " bfloat16, and this run is on the GPU; add --device cpu or use --precision fp32");
    }
    if (precision == Precision.BF16 && !oneDnnEnabled()) {
      throw CourseException.badInput("--precision bf16 needs TensorFlow's oneDNN kernels, which"
          + " TF_ENABLE_ONEDNN_OPTS=0 turns off; unset it or use --precision fp32");
    }
  }

  private static Device resolve(Device requested, ThreadSettings threads) {
    return switch (requested) {
      case CPU -> Device.CPU;
      case AUTO -> GpuProbe.gpuVisible(threads) ? Device.GPU : Device.CPU;
      case GPU -> {
        if (!GpuProbe.gpuVisible(threads)) {
          throw new CourseException(CourseException.DEVICE_UNAVAILABLE,
              "--device gpu: TensorFlow sees no GPU. Build with `mvn -Pgpu` (CUDA 12.5 / cuDNN 9.3 on"
                  + " the host) or run with --device cpu or --device auto.");
        }
        yield Device.GPU;
      }
    };
  }

  /** The device sessions run on: {@code CPU} or {@code GPU}, never {@code AUTO}. */
  public Device device() {
    return device;
  }

  public ThreadSettings threads() {
    return threads;
  }

  public Precision precision() {
    return precision;
  }

  /**
   * The session configuration: soft placement, thread pools, GPU memory growth or hidden GPUs,
   * Grappler's passes (the precision's among them).
   */
  public ConfigProto config() {
    RewriterConfig.Builder rewrites = RewriterConfig.newBuilder()
        // One pass of Grappler instead of two: the unrolled recurrent graphs (1,500 nodes) came
        // out of the second pass unchanged, and it cost 150-300 ms of the first training step.
        .setMetaOptimizerIterations(RewriterConfig.NumIterationsType.ONE);
    precision.configure(rewrites);
    ConfigProto.Builder config = ConfigProto.newBuilder()
        .setAllowSoftPlacement(true)
        .setLogDevicePlacement(logPlacement)
        .setIntraOpParallelismThreads(threads.intraOp())
        .setInterOpParallelismThreads(threads.interOp())
        .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrites));
    if (device == Device.GPU) {
      // Grow GPU memory on demand instead of reserving the whole card for one small model.
      config.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    } else {
      config.putDeviceCount("GPU", 0);
    }
    return config.build();
  }

  /**
   * Opens a session over {@code graph}; the caller closes it. Build the whole graph first: its
   * ReLU gradients are rewired to read the ReLU outputs ({@link ReluGradients}), so that
   * TensorFlow can fuse each ReLU into the kernel before it.
   */
  public Session open(Graph graph) {
    ReluGradients.readOutputs(graph);
    return new Session(graph, config());
  }

  /** The op builder for {@code graph}; TensorFlow's placer puts ops on the GPU when one is used. */
  public Ops ops(Graph graph) {
    return Ops.create(graph);
  }

  /**
   * Whether TensorFlow's oneDNN kernels are on: the default of TensorFlow 2.18 on x86 Linux unless
   * {@code TF_ENABLE_ONEDNN_OPTS=0} (it must be set before TensorFlow loads, hence an environment
   * variable and not an option).
   */
  public static boolean oneDnnEnabled() {
    return !"0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS"));
  }
}
