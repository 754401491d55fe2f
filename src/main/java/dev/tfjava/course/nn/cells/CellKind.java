package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Activation;

/** The three cells of Unit 3, with their model names (SavedModel folders) and display names. */
public enum CellKind {
  BASIC_RNN("basic_rnn", "BasicRNN"),
  LSTM("lstm", "LSTM"),
  GRU("gru", "GRU");

  private final String modelName;
  private final String displayName;

  CellKind(String modelName, String displayName) {
    this.modelName = modelName;
    this.displayName = displayName;
  }

  /** The SavedModel and checkpoint folder name, e.g. {@code basic_rnn}. */
  public String modelName() {
    return modelName;
  }

  /** The name in printed output and charts, e.g. {@code BasicRNN}. */
  public String displayName() {
    return displayName;
  }

  /** A fresh cell (one per graph). */
  public RecurrentCell create(int units, Activation activation) {
    return switch (this) {
      case BASIC_RNN -> new BasicRnnCell(units, activation);
      case LSTM -> new BasicLstmCell(units, activation);
      case GRU -> new GruCell(units, activation);
    };
  }
}
