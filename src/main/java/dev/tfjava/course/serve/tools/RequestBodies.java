package dev.tfjava.course.serve.tools;

import java.util.Locale;
import java.util.Random;

/**
 * Row-format predict bodies for the two kinds of served model: MNIST-like images (784 pixel values
 * k/255, as the lessons scale them) and 20-step windows of the course's series
 * t·sin(t)/3 + 2·sin(5t).
 */
public final class RequestBodies {
  private RequestBodies() {}

  /** {@code {"instances": [[784 values], ...]}} with {@code count} random images. */
  public static String images(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder json = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < count; i++) {
      float[] pixels = new float[784];
      for (int p = 0; p < pixels.length; p++) {
        // About 80% background, like a real digit; the rest any grey level.
        pixels[p] = random.nextDouble() < 0.8 ? 0f : random.nextInt(256) / 255f;
      }
      json.append(i == 0 ? "" : ", ").append(image(pixels));
    }
    return json.append("]}").toString();
  }

  /** One image as a JSON list of 784 numbers. */
  public static String image(float[] pixels) {
    StringBuilder json = new StringBuilder("[");
    for (int p = 0; p < pixels.length; p++) {
      json.append(p == 0 ? "" : ",").append(pixels[p]);
    }
    return json.append(']').toString();
  }

  /**
   * {@code {"instances": [[[v],...20 steps], ...]}}: {@code count} windows, the first starting at
   * {@code t0} and each next one 0.1 later, sampled every 0.1.
   */
  public static String windows(int count, double t0) {
    StringBuilder json = new StringBuilder("{\"instances\": [");
    for (int w = 0; w < count; w++) {
      json.append(w == 0 ? "[" : ", [");
      for (int s = 0; s < StandInModels.STEPS; s++) {
        double t = t0 + 0.1 * (w + s);
        json.append(s == 0 ? "" : ",").append('[')
            .append(String.format(Locale.ROOT, "%.6f", t * Math.sin(t) / 3 + 2 * Math.sin(5 * t)))
            .append(']');
      }
      json.append(']');
    }
    return json.append("]}").toString();
  }
}
