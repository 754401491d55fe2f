package dev.tfjava.course.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out images in a grid, each with a caption under it and a frame around it, under an optional
 * title. The frame is what matplotlib's axes draw around {@code imshow}: without it, white content
 * (a filter's line, a digit's background) is the page's own white. A marked tile (a misclassified
 * digit) gets a thick red frame instead. Tiles may differ in size; each cell is as large as
 * the largest tile.
 */
public final class ImageGrid {
  private static final int PAD = 12;
  private static final Font CAPTION = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 20);
  /** The frame's colour: a dark gray that shows against both white and black content. */
  static final Color FRAME = new Color(0x40, 0x40, 0x40);

  private record Tile(BufferedImage image, String caption, boolean marked) {}

  private final int columns;
  private final String title;
  private final List<Tile> tiles = new ArrayList<>();

  public ImageGrid(int columns, String title) {
    this.columns = columns;
    this.title = title;
  }

  /** One image under a title, as {@code plt.imshow(image); plt.title(title)} draws it. */
  public static BufferedImage titled(BufferedImage image, String title) {
    return new ImageGrid(1, title).add(image, "").render();
  }

  /** Adds a tile; {@code marked} draws a red frame around it. */
  public ImageGrid add(BufferedImage image, String caption, boolean marked) {
    tiles.add(new Tile(image, caption, marked));
    return this;
  }

  public ImageGrid add(BufferedImage image, String caption) {
    return add(image, caption, false);
  }

  /** Draws the grid on a white background. */
  public BufferedImage render() {
    if (tiles.isEmpty()) {
      throw new IllegalStateException("an image grid needs at least one tile");
    }
    // Measure text first, so that captions and the title never spill over the edges.
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D measure = scratch.createGraphics();
    FontMetrics captionMetrics = measure.getFontMetrics(CAPTION);
    FontMetrics titleMetrics = measure.getFontMetrics(TITLE);
    measure.dispose();
    int cellWidth = tiles.stream()
        .mapToInt(t -> Math.max(t.image.getWidth(), captionMetrics.stringWidth(t.caption)))
        .max().orElseThrow();
    int cellHeight = tiles.stream().mapToInt(t -> t.image.getHeight()).max().orElseThrow();
    int captionHeight = 24;
    int titleHeight = title == null ? 0 : 36;
    int cols = Math.min(columns, tiles.size());
    int rows = (tiles.size() + columns - 1) / columns;
    int width = Math.max(cols * (cellWidth + PAD) + PAD,
        title == null ? 0 : titleMetrics.stringWidth(title) + 2 * PAD);
    int height = titleHeight + rows * (cellHeight + captionHeight + PAD) + PAD;

    BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      if (title != null) {
        g.setFont(TITLE);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (width - fm.stringWidth(title)) / 2, 26);
      }
      g.setFont(CAPTION);
      FontMetrics fm = g.getFontMetrics();
      for (int i = 0; i < tiles.size(); i++) {
        Tile tile = tiles.get(i);
        int x = (width - cols * (cellWidth + PAD) + PAD) / 2 + (i % columns) * (cellWidth + PAD);
        int y = titleHeight + PAD + (i / columns) * (cellHeight + captionHeight + PAD);
        int ix = x + (cellWidth - tile.image.getWidth()) / 2;
        int iy = y + (cellHeight - tile.image.getHeight()) / 2;
        g.drawImage(tile.image, ix, iy, null);
        if (tile.marked) {
          g.setColor(Color.RED);
          g.setStroke(new BasicStroke(4));
          g.drawRect(ix - 2, iy - 2, tile.image.getWidth() + 3, tile.image.getHeight() + 3);
        } else {
          g.setColor(FRAME);
          g.setStroke(new BasicStroke(1));
          g.drawRect(ix - 1, iy - 1, tile.image.getWidth() + 1, tile.image.getHeight() + 1);
        }
        g.setColor(tile.marked ? Color.RED : Color.BLACK);
        g.drawString(tile.caption, x + (cellWidth - fm.stringWidth(tile.caption)) / 2,
            y + cellHeight + captionHeight - 4);
      }
    } finally {
      g.dispose();
    }
    return canvas;
  }
}
