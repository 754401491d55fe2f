package dev.tfjava.course.train;

/**
 * Measures what each training pass costs the whole process — CPU seconds, minor page faults —
 * and the resident memory after it, so a leak or an allocator problem shows per epoch.
 */
public final class ProcessMeter implements TrainingListener {
  /** One pass's figures (-1 where the platform has none). */
  public record Usage(double cpuSeconds, long minorPageFaults, double rssMiB) {}

  private double cpuStart;
  private long faultsStart;
  private Usage last;

  @Override
  public void passStarted(TrainingLoop.Pass pass) {
    cpuStart = ProcessStats.cpuSeconds();
    faultsStart = ProcessStats.minorFaults();
  }

  @Override
  public void passFinished(TrainingLoop.Pass pass, TrainingLoop.PassSummary summary) {
    last = new Usage(ProcessStats.cpuSeconds() - cpuStart, ProcessStats.minorFaults() - faultsStart,
        ProcessStats.residentMiB());
  }

  /** The figures of the last finished pass. */
  public Usage last() {
    if (last == null) {
      throw new IllegalStateException("no pass has finished yet");
    }
    return last;
  }
}
