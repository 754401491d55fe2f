package dev.tfjava.course.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A notebook after Jupyter executed it: what each code cell printed and showed. The checks every
 * executed notebook must pass live here: no error output, an image/png that decodes for every
 * figure cell, no machine path in any output.
 */
final class ExecutedNotebook {
  /** One code cell after execution. */
  record Cell(String source, List<String> tags, String text, List<BufferedImage> images,
      List<String> errors) {}

  private final String name;
  private final List<Cell> cells = new ArrayList<>();

  private ExecutedNotebook(String name) {
    this.name = name;
  }

  static ExecutedNotebook read(Path file) throws IOException {
    JsonNode notebook = new ObjectMapper().readTree(file.toFile());
    ExecutedNotebook executed = new ExecutedNotebook(file.getFileName().toString());
    for (JsonNode cell : notebook.get("cells")) {
      if (!cell.get("cell_type").asText().equals("code")) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      List<BufferedImage> images = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      for (JsonNode output : cell.get("outputs")) {
        switch (output.get("output_type").asText()) {
          case "stream" -> text.append(joined(output.get("text")));
          case "error" -> errors.add(output.get("ename").asText() + ": "
              + output.get("evalue").asText());
          default -> {
            JsonNode data = output.path("data");
            if (data.has("image/png")) {
              byte[] png = Base64.getMimeDecoder().decode(joined(data.get("image/png")));
              images.add(ImageIO.read(new ByteArrayInputStream(png)));
            }
            data.fieldNames().forEachRemaining(mime -> {
              if (mime.startsWith("text/")) {
                text.append(joined(data.get(mime))).append('\n');
              }
            });
          }
        }
      }
      List<String> tags = new ArrayList<>();
      cell.path("metadata").path("tags").forEach(tag -> tags.add(tag.asText()));
      executed.cells.add(new Cell(joined(cell.get("source")), tags, text.toString(), images,
          errors));
    }
    return executed;
  }

  private static String joined(JsonNode node) {
    if (node == null) {
      return "";
    }
    if (!node.isArray()) {
      return node.asText();
    }
    StringBuilder s = new StringBuilder();
    node.forEach(part -> s.append(part.asText()));
    return s.toString();
  }

  /**
   * Every executed notebook: no errors, a decodable PNG per figure cell; and with
   * {@code portable} (the committed ones), no machine path in any output.
   */
  void assertClean(boolean portable) {
    assertFalse(cells.isEmpty(), name + " has no code cells");
    for (Cell cell : cells) {
      String first = cell.source().lines().findFirst().orElse("");
      assertEquals(List.of(), cell.errors(), name + ": `" + first + "`");
      assertFalse(cell.text().contains("Exception"), name + ": `" + first + "` printed "
          + cell.text());
      if (cell.tags().contains("figure")) {
        assertFalse(cell.images().isEmpty(), name + ": figure cell `" + first + "` has no image/png");
        for (BufferedImage image : cell.images()) {
          assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100,
              name + ": `" + first + "` shows no real image");
        }
      }
      for (String path : portable ? List.of("/work/", "/root/", "/home/", "/tmp/",
          System.getProperty("user.home") + "/") : List.<String>of()) {
        assertFalse(cell.text().contains(path), name + ": `" + first + "` prints the machine path "
            + path + ": " + cell.text());
      }
    }
  }

  /** Everything the notebook printed, cell after cell. */
  String printed() {
    StringBuilder all = new StringBuilder();
    cells.forEach(c -> all.append(c.text()));
    return all.toString();
  }

  /** Every match of {@code pattern} in what the notebook printed (group 0 of each line). */
  List<Matcher> lines(String pattern) {
    List<Matcher> matches = new ArrayList<>();
    Pattern compiled = Pattern.compile(pattern);
    for (String line : printed().split("\n")) {
      Matcher m = compiled.matcher(line);
      if (m.matches()) {
        matches.add(m);
      }
    }
    return matches;
  }

  String name() {
    return name;
  }
}
