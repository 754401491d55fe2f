package dev.tfjava.course.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Every tile of a grid is framed, so that white content shows on the white page. */
class ImageGridTest {
  private static final int WHITE = Color.WHITE.getRGB();

  @Test
  void aWhiteTileIsFramedAndItsWhiteIsKept() {
    BufferedImage tile = GrayscaleImage.render(new float[][] {{1, 1}, {1, 1}, {0, 0}}, 10);
    BufferedImage grid = new ImageGrid(1, null).add(tile, "").render();

    // The only non-white pixels: the frame and the tile's black row.
    int minX = grid.getWidth();
    int minY = grid.getHeight();
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < grid.getHeight(); y++) {
      for (int x = 0; x < grid.getWidth(); x++) {
        if (grid.getRGB(x, y) != WHITE) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    assertEquals(tile.getWidth() + 2, maxX - minX + 1, "the frame is one pixel outside the tile");
    assertEquals(tile.getHeight() + 2, maxY - minY + 1);
    int frame = ImageGrid.FRAME.getRGB();
    for (int x = minX; x <= maxX; x++) {
      assertEquals(frame, grid.getRGB(x, minY), "top edge at x " + x);
      assertEquals(frame, grid.getRGB(x, maxY), "bottom edge at x " + x);
    }
    for (int y = minY; y <= maxY; y++) {
      assertEquals(frame, grid.getRGB(minX, y), "left edge at y " + y);
      assertEquals(frame, grid.getRGB(maxX, y), "right edge at y " + y);
    }
    assertEquals(WHITE, grid.getRGB(minX + 1, minY + 1), "the tile's white row stays white");
    assertEquals(Color.BLACK.getRGB(), grid.getRGB(minX + 1, maxY - 1), "and its black row black");
  }

  @Test
  void aMarkedTileIsFramedRed() {
    BufferedImage tile = GrayscaleImage.render(new float[][] {{1}}, 20);
    BufferedImage grid = new ImageGrid(2, null).add(tile, "", true).render();
    int y = grid.getHeight() / 2;
    int x = 0;
    while (grid.getRGB(x, y) == WHITE) {
      x++;
    }
    assertEquals(Color.RED.getRGB(), grid.getRGB(x, y));
  }
}
