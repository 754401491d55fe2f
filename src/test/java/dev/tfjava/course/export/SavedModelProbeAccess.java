package dev.tfjava.course.export;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages write {@link SavedModelProbe}'s input file. */
public final class SavedModelProbeAccess {
  private SavedModelProbeAccess() {}

  public static void writeInputs(Path file, float[] values, int columns) throws IOException {
    SavedModelProbe.writeInputs(file, values, columns);
  }
}
