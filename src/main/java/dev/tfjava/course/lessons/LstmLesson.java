package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.nn.cells.CellKind;
import java.util.List;
import picocli.CommandLine.Command;

/** The LSTM notebook of Unit 3 (see {@link SequenceLesson}). */
@Command(name = "lstm", mixinStandardHelpOptions = true,
    description = "Unit 3: an LSTM cell learns the time series; predict, generate, export.")
public final class LstmLesson extends SequenceLesson {

  public static void main(String[] args) {
    CommandLines.runAndExit(new LstmLesson(), args);
  }

  @Override
  protected List<CellKind> cells() {
    return List.of(CellKind.LSTM);
  }
}
