package dev.tfjava.course.serve.tools;

import dev.tfjava.course.data.TimeSeries;
import java.util.Locale;

/**
 * Row-format predict bodies for the two kinds of served model: an MNIST image (784 pixel values
 * k/255, as the lessons scale them) and 20-step windows of the course's series
 * t·sin(t)/3 + 2·sin(5t).
 */
public final class RequestBodies {
  private RequestBodies() {}

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
      for (int s = 0; s < TimeSeries.STEPS; s++) {
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
