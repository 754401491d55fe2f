package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.nn.cells.CellKind;
import java.util.List;
import picocli.CommandLine.Command;

/** The BASIC_RNN notebook of Unit 3 (see {@link SequenceLesson}). */
@Command(name = "rnn", mixinStandardHelpOptions = true,
    description = "Unit 3: a BasicRNN cell learns the time series; predict, generate, export.")
public final class BasicRnnLesson extends SequenceLesson {

  public static void main(String[] args) {
    CommandLines.runAndExit(new BasicRnnLesson(), args);
  }

  @Override
  protected List<CellKind> cells() {
    return List.of(CellKind.BASIC_RNN);
  }
}
