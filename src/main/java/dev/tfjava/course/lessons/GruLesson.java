package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.nn.cells.CellKind;
import java.util.List;
import picocli.CommandLine.Command;

/** The GRU notebook of Unit 3 (see {@link SequenceLesson}). */
@Command(name = "gru", mixinStandardHelpOptions = true,
    description = "Unit 3: a real GRU cell (the notebook built an LSTM again) learns the time series.")
public final class GruLesson extends SequenceLesson {

  public static void main(String[] args) {
    CommandLines.runAndExit(new GruLesson(), args);
  }

  @Override
  protected List<CellKind> cells() {
    return List.of(CellKind.GRU);
  }
}
