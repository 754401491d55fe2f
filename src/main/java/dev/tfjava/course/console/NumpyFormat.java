package dev.tfjava.course.console;

/** Arrays printed as numpy prints them, so a notebook's output reads like the course's. */
public final class NumpyFormat {
  private NumpyFormat() {}

  /** A float32 array of shape [1, n, 1], e.g. the notebooks' {@code y_pred}. */
  public static String column(float[] values) {
    StringBuilder s = new StringBuilder("array([[");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "[" : "        [").append(String.format("%10s", values[i])).append(']');
      s.append(i == values.length - 1 ? "]], dtype=float32)" : ",\n");
    }
    return s.toString();
  }

  /**
   * Columns side by side, shape [n, columns], as {@code np.c_[a, b]} of float64 arrays prints
   * them (8 decimals).
   */
  public static String columns(float[]... columns) {
    StringBuilder s = new StringBuilder("array([");
    int rows = columns[0].length;
    for (int r = 0; r < rows; r++) {
      s.append(r == 0 ? "[" : "       [");
      for (int c = 0; c < columns.length; c++) {
        s.append(c == 0 ? "" : ", ").append(String.format("%11.8f", columns[c][r]));
      }
      s.append(r == rows - 1 ? "]])" : "],\n");
    }
    return s.toString();
  }
}
