package dev.tfjava.course.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorflow.exceptions.TFResourceExhaustedException;

/** Failures inside a staging folder, worded in the user's terms: their folder and the cause. */
class StagingFailuresTest {
  private final Path models = Path.of("/data/saved-models/lstm");
  private final Path staging = models.resolve(".export-pid19695-800551023252-3");

  @Test
  void tensorFlowsFullDiskMessageBecomesTheModelsFolderAndTheCause() {
    // TensorFlow's own words on a full disk, as its SaveV2 kernel reported them here.
    String native_ = staging + "/model/variables/variables.data-00000-of-00001.tempstate160432729569"
        + "23379839; No space left on device\n\t [[{{node save/Save}}]]";
    CourseException e = StagingFailures.of("export the SavedModel", models, "--models", staging,
        new TFResourceExhaustedException(native_));
    assertEquals(CourseException.ENVIRONMENT, e.exitCode());
    assertEquals("Could not export the SavedModel to /data/saved-models/lstm: No space left on device"
        + " (free some space, or give --models another folder)", e.getMessage());
  }

  @Test
  void javasFileSystemExceptionGivesItsReasonWithoutTheFile() {
    IOException error = new FileSystemException(staging + "/model/saved_model.pb", null,
        "File too large");
    assertEquals("File too large", StagingFailures.cause(error, staging));
  }

  @Test
  void otherMessagesKeepTheirWordsWithTheUsersFolderInsteadOfTheStagingOne() {
    assertEquals("Permission denied", StagingFailures.cause(new IOException("Permission denied"),
        staging));
    assertEquals("cannot open " + models + "/model/x", StagingFailures.cause(
        new IOException("cannot open " + staging + "/model/x"), staging));
    assertEquals("Could not save the checkpoint to /c: Permission denied", StagingFailures.of(
        "save the checkpoint", Path.of("/c"), "--checkpoints", null,
        new IOException("Permission denied")).getMessage());
  }
}
