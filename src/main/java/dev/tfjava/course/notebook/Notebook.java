package dev.tfjava.course.notebook;

import dev.tfjava.course.data.MnistDataset;
import dev.tfjava.course.data.MnistFiles;
import dev.tfjava.course.data.MnistSource;
import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.plot.Charts;
import dev.tfjava.course.plot.Png;
import dev.tfjava.course.train.ThreadSettings;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * What the course's notebooks define in their first cells, for the Java notebooks under
 * {@code notebooks/}: {@code reset_graph(seed=42)}, {@code save_fig} and the chapter's image
 * folder, and the settings a run may shorten through environment variables (as d2l-java's
 * {@code MAX_EPOCH}), so that CI executes every notebook in minutes.
 *
 * <p>The state is static because a notebook's cells share one JVM (the kernel's JShell): the
 * current graph is what TF1 calls the default graph.
 */
public final class Notebook {
  /** The notebooks' seed, {@code reset_graph(seed=42)}. */
  public static final long SEED = 42;
  /** Inline figures are drawn at twice their size in points (the PNG files at 300 dpi). */
  static final double INLINE_SCALE = 2;
  /** A folder with MNIST's four IDX files, for {@link #mnist()} (docs/notebooks.md). */
  public static final String MNIST_DIR_ENV = "NOTEBOOK_MNIST_DIR";

  private static NotebookGraph current;
  private static String chapter = "notebook";
  private static ThreadSettings threads = ThreadSettings.TENSORFLOW_DEFAULT;

  private Notebook() {}

  /** {@code reset_graph()}: seed 42. */
  public static NotebookGraph resetGraph() {
    return resetGraph(SEED);
  }

  /**
   * {@code reset_graph(seed)}: closes the previous graph and its sessions, and starts a new one
   * seeded with {@code seed}.
   */
  public static synchronized NotebookGraph resetGraph(long seed) {
    if (current != null) {
      current.close();
    }
    current = new NotebookGraph(seed, threads);
    return current;
  }

  /** The graph of the last {@link #resetGraph}, or an error saying which cell to run first. */
  public static synchronized NotebookGraph current() {
    if (current == null || current.isClosed()) {
      throw new IllegalStateException("no graph yet: run the construction cell first");
    }
    return current;
  }

  /** Closes the current graph and its sessions (the end of a notebook, or of a test). */
  public static synchronized void closeGraph() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /**
   * The chapter's settings, as the notebooks' {@code CHAPTER_ID}: figures go to
   * {@code images/<chapter>/}; sessions use {@code threads} (intra-op, inter-op; 0 = TensorFlow's
   * choice) from the next {@link #resetGraph}.
   */
  public static synchronized void chapter(String id, int intraOpThreads, int interOpThreads) {
    chapter = id;
    threads = new ThreadSettings(intraOpThreads, interOpThreads);
  }

  /**
   * A whole-number setting: the environment variable {@code name} when set (CI shortens runs this
   * way), else the notebook's value.
   */
  public static int setting(String name, int notebookValue) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      return notebookValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + " must be a whole"
          + " number, got '" + value + "'", e);
    }
  }

  /** A yes/no setting: {@code 1} or {@code true} in the environment variable {@code name}. */
  public static boolean flag(String name) {
    String value = System.getenv(name);
    return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("true"));
  }

  /**
   * The notebook's {@code input_data.read_data_sets}: MNIST from the folder in
   * {@code $NOTEBOOK_MNIST_DIR}, else the cache, a download or, when neither works (or
   * {@code NOTEBOOK_OFFLINE=1}), the embedded 2,500-digit sample, split as the lesson splits it.
   * Prints one plain line saying which (the lesson's command-line banner, with its URLs and
   * options, would mean nothing in a notebook).
   */
  public static MnistDataset mnist() {
    Path named = mnistDir();
    MnistSource source = MnistSource.standard(MnistVariant.MNIST, MnistSource.defaultCacheRoot(),
        !flag("NOTEBOOK_OFFLINE"), new PrintStream(OutputStream.nullOutputStream()));
    MnistFiles.Located files = source.locate(named);
    System.out.println(dataLine(files, source.cacheDir()));
    return MnistDataset.load(MnistVariant.MNIST, files);
  }

  /** {@code $NOTEBOOK_MNIST_DIR} when set, checked for the four files; else {@code null}. */
  private static Path mnistDir() {
    String value = System.getenv(MNIST_DIR_ENV);
    if (value == null || value.isBlank()) {
      return null;
    }
    Path dir = Path.of(value.trim());
    List<String> missing = Files.isDirectory(dir) ? MnistFiles.missing(dir) : List.of();
    if (!Files.isDirectory(dir) || !missing.isEmpty()) {
      throw new IllegalArgumentException(MNIST_DIR_ENV + "=" + dir + (missing.isEmpty()
          ? " is not a folder" : " lacks " + String.join(", ", missing)) + ": point it at the"
          + " folder with MNIST's four IDX files, or unset it, and restart the kernel");
    }
    return dir;
  }

  /** The one line {@link #mnist()} prints: where the data came from, and how to get all of it. */
  static String dataLine(MnistFiles.Located files, Path cacheDir) {
    if (files.origin() != MnistFiles.Origin.EMBEDDED_SAMPLE) {
      return "MNIST data: the full data set from " + files.location();
    }
    return "MNIST data: the course's embedded sample (2,000 training + 500 test digits), so the"
        + " accuracies stay below the full set's 98%. For all 70,000 digits put MNIST's four IDX"
        + " files in " + cacheDir + " (scripts/lessons mnist-cnn downloads them there), or set "
        + MNIST_DIR_ENV + " to their folder, then restart the kernel.";
  }

  /** Where {@code save_fig(figId)} writes: {@code images/<chapter>/<figId>.png}. */
  public static Path figurePath(String figId) {
    return Path.of("images", chapter, figId + ".png");
  }

  /**
   * {@code save_fig(figId); plt.show()}: writes the chart as a 300 dpi PNG and returns it as an
   * image, which the kernel shows inline when it is a cell's last expression.
   */
  public static BufferedImage show(XYChart chart, String figId) {
    Charts.save(chart, figurePath(figId));
    return Charts.image(chart, INLINE_SCALE);
  }

  /** {@code save_fig(figId); plt.show()} for a picture (images, filter grids). */
  public static BufferedImage show(BufferedImage image, String figId) {
    Png.write(image, figurePath(figId));
    return image;
  }
}
