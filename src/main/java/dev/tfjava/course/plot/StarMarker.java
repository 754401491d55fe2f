package dev.tfjava.course.plot;

import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import org.knowm.xchart.style.markers.Marker;

/** A filled five-pointed star, matplotlib's {@code "*"} marker (XChart has none). */
public final class StarMarker extends Marker {
  /** Inner radius over outer radius of matplotlib's star. */
  private static final double INNER = 0.381966;

  @Override
  public void paint(Graphics2D g, double x, double y, int markerSize) {
    double outer = markerSize * 0.75;
    Path2D.Double star = new Path2D.Double();
    for (int k = 0; k < 10; k++) {
      double r = k % 2 == 0 ? outer : outer * INNER;
      double angle = -Math.PI / 2 + k * Math.PI / 5;
      double px = x + r * Math.cos(angle);
      double py = y + r * Math.sin(angle);
      if (k == 0) {
        star.moveTo(px, py);
      } else {
        star.lineTo(px, py);
      }
    }
    star.closePath();
    g.fill(star);
  }
}
