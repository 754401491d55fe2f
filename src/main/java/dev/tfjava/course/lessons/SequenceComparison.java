package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.nn.cells.CellKind;
import java.util.List;
import picocli.CommandLine.Command;

/** BasicRNN, LSTM and GRU one after the other, plus a chart and a table comparing them. */
@Command(name = "sequences", mixinStandardHelpOptions = true,
    description = "Unit 3: train BasicRNN, LSTM and GRU and compare their MSEs, times and"
        + " generated sequences.")
public final class SequenceComparison extends SequenceLesson {

  public static void main(String[] args) {
    CommandLines.runAndExit(new SequenceComparison(), args);
  }

  @Override
  protected List<CellKind> cells() {
    return List.of(CellKind.values());
  }
}
