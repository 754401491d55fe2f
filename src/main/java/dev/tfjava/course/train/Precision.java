package dev.tfjava.course.train;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.tfjava.course.CourseException;
import java.util.List;
import java.util.Locale;
import org.tensorflow.proto.RewriterConfig;

/**
 * The number format a session computes in. The graph, its variables, checkpoints and SavedModels
 * are float32 either way: {@code BF16} asks Grappler's oneDNN auto-mixed-precision pass to run the
 * ops oneDNN has bfloat16 kernels for (convolutions, matmuls, their gradients, and the bias adds,
 * ReLUs and pools between them) in bfloat16, casting the float32 variables and feeds on the way
 * in and the results back to float32 on the way out.
 */
public enum Precision {
  FP32,
  BF16;

  /**
   * The cpuinfo flags of which a CPU needs one for {@code BF16}: without native bfloat16
   * instructions oneDNN emulates them, slower than float32.
   */
  public static final List<String> BF16_FLAGS = List.of("avx512_bf16", "amx_bf16");

  /** The name on the command line and in metrics.json: {@code fp32} or {@code bf16}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return id();
  }

  /**
   * Refuses (bad input, exit 2) a precision the CPU cannot run natively, naming the missing flag.
   */
  public void requireSupportedBy(CpuFlags cpu) {
    if (this == BF16 && BF16_FLAGS.stream().noneMatch(cpu::has)) {
      throw CourseException.badInput("--precision bf16: this CPU (" + cpu.model() + ") has no "
          + String.join(" or ", BF16_FLAGS) + " flag in " + cpu.source()
          + ", so it has no bfloat16 instructions; use --precision fp32");
    }
  }

  /** Turns on the Grappler pass this precision needs, if any. */
  void configure(RewriterConfig.Builder rewrites) {
    if (this == BF16) {
      rewrites.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
    }
  }
}
