package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.CommandLines;
import dev.tfjava.course.plot.Charts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the two foundation lessons end to end and checks what they write. */
class LessonOutputsTest {

  @TempDir
  Path out;

  @Test
  void backpropWritesItsChartAndNumbers() throws IOException {
    long start = System.nanoTime();
    int exit = CommandLines.create(new Backpropagation())
        .execute("--out", out.toString(), "--device", "cpu", "--depth", "6", "--width", "8");
    double elapsed = (System.nanoTime() - start) / 1e9;
    assertEquals(0, exit);

    BufferedImage chart = decode(out.resolve("gradients_per_layer.png"));
    assertEquals(Charts.pixels(576), chart.getWidth());
    assertEquals(Charts.pixels(360), chart.getHeight());

    JsonNode metrics = readJson(out.resolve("metrics.json"));
    assertEquals("backprop", metrics.get("lesson").asText());
    assertEquals(42, metrics.get("seed").asLong());
    assertEquals("cpu", metrics.get("device").asText());
    double wall = metrics.get("wall_seconds").asDouble();
    assertTrue(wall > 0 && wall <= elapsed, wall + " s of " + elapsed);
    assertTrue(metrics.get("printed").toString().contains(
        "f = 12.0, grad f = (16.0, 8.0) by hand, (16.0, 8.0) by tf.gradients"), "printed lines");
    assertEquals(6, metrics.get("options").get("depth").asInt());
    JsonNode chain = metrics.get("chain_rule");
    assertEquals(12.0, chain.get("f").asDouble());
    assertEquals(16.0, chain.get("tensorflow").get("df_dx").asDouble());
    assertEquals(8.0, chain.get("tensorflow").get("df_dy").asDouble());
    assertEquals(16.0, chain.get("hand").get("df_dx").asDouble());
    JsonNode delta = metrics.get("delta_recursion");
    assertTrue(delta.get("max_abs_diff_manual_vs_tensorflow").asDouble() <= 1e-5);
    assertTrue(delta.get("max_abs_diff_manual_vs_finite_differences").asDouble() <= 1e-7);
    assertEquals(6, metrics.get("gradient_per_layer").get("sigmoid").size());
    assertEquals(6, metrics.get("gradient_per_layer").get("relu").size());
  }

  @Test
  void convFiltersWritesEveryFigureAndTheShapes() throws IOException {
    int exit = CommandLines.create(new ConvolutionFilters())
        .execute("--out", out.toString(), "--device", "cpu");
    assertEquals(0, exit);

    JsonNode metrics = readJson(out.resolve("metrics.json"));
    assertEquals("[1,70,120,1]", metrics.get("image_shape").toString());
    JsonNode shapes = metrics.get("output_shapes");
    assertEquals("[1,70,120,2]", shapes.get("conv2d SAME, stride 1").toString());
    assertEquals("[1,64,114,2]", shapes.get("conv2d VALID, stride 1").toString());
    assertEquals("[1,35,60,2]", shapes.get("conv2d SAME, stride 2").toString());
    assertEquals("[1,35,60,1]", shapes.get("max_pool 2x2, stride 2").toString());
    assertEquals("[1,35,60,1]", shapes.get("avg_pool 2x2, stride 2").toString());

    for (JsonNode figure : metrics.get("figures")) {
      BufferedImage image = decode(out.resolve(figure.asText()));
      assertTrue(image.getWidth() > 100 && image.getHeight() > 100, figure.asText());
    }
    // The image figures are the 120 x 70 crop at 4x (plus a title band), filters 7 x 40 px.
    assertTrue(decode(out.resolve("grayscale.png")).getWidth() >= 480);
    assertTrue(decode(out.resolve("vertical_filter.png")).getWidth() >= 280);
    try (var files = Files.list(out)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "no temporary files are left behind");
    }
  }

  private static BufferedImage decode(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), png + " exists");
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, png + " decodes as an image");
    return image;
  }

  private static JsonNode readJson(Path file) throws IOException {
    return dev.tfjava.course.train.Metrics.json().readTree(file.toFile());
  }
}
