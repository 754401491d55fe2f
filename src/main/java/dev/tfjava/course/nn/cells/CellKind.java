package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Activation;

/** The three cells of Unit 3, with their model names (SavedModel folders) and display names. */
public enum CellKind {
  BASIC_RNN("basic_rnn", "BasicRNN", "my_time_series_model"),
  LSTM("lstm", "LSTM", "my_lstm_time_series_model"),
  GRU("gru", "GRU", "my_gru_time_series_model");

  private final String modelName;
  private final String displayName;
  private final String checkpointPrefix;

  CellKind(String modelName, String displayName, String checkpointPrefix) {
    this.modelName = modelName;
    this.displayName = displayName;
    this.checkpointPrefix = checkpointPrefix;
  }

  /** The notebook's checkpoint prefix, e.g. {@code my_lstm_time_series_model}. */
  public String checkpointPrefix() {
    return checkpointPrefix;
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
