package dev.tfjava.course.train;

/**
 * TensorFlow's two CPU thread pools: intra-op (threads inside one kernel, e.g. a matmul) and
 * inter-op (independent kernels run side by side). 0 lets TensorFlow pick one per core; an
 * inter-op count of {@link #CALLER_THREAD} runs every kernel on the thread that called
 * {@code Session.run} (TensorFlow's negative setting).
 *
 * <p>TensorFlow shares one intra-op pool among all sessions of a process, sized by the first
 * session, unless {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1} (set by scripts/lessons) gives each
 * session its own; {@code GpuProbe}'s session therefore uses the run's settings too.
 */
public record ThreadSettings(int intraOp, int interOp) {

  /** TensorFlow's own choice. */
  public static final ThreadSettings TENSORFLOW_DEFAULT = new ThreadSettings(0, 0);

  /** The inter-op setting that runs a session's kernels on the calling thread, no pool. */
  public static final int CALLER_THREAD = -1;

  public ThreadSettings {
    if (intraOp < 0 || interOp < CALLER_THREAD) {
      throw new IllegalArgumentException("thread counts must be >= 0 (inter-op: or -1)");
    }
  }

  /** The defaults of a lesson, overridden by whatever the user gave ({@code null} = not given). */
  public ThreadSettings override(Integer intraOpOption, Integer interOpOption) {
    return new ThreadSettings(
        intraOpOption != null ? intraOpOption : intraOp,
        interOpOption != null ? interOpOption : interOp);
  }
}
