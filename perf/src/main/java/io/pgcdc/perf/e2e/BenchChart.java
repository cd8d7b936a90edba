package io.pgcdc.perf.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The PNG chart, drawn with java.awt (headless) and written with ImageIO — no chart library, no
 * network: top panel events/s over time of every backlog consumer (each from its own start),
 * bottom panel the live phase's latency percentiles per second. Stateless; call from any thread.
 */
final class BenchChart {

  static final int WIDTH = 1200;
  static final int HEIGHT = 860;
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
      new Color(0x9467bd), new Color(0x8c564b)};

  private BenchChart() {
  }

  static void write(Path file, String title, List<Series> throughput, List<Series> latency) throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, 20, 26);
      panel(g, 90, 60, WIDTH - 130, 330, "Backlog drain: events/s, log scale (seconds since each consumer started)",
          throughput, true);
      panel(g, 90, 470, WIDTH - 130, 330, "Live: commit -> consumer latency per second (ms)", latency, false);
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
  }

  /** One framed plot; {@code log}: decades on the y axis (rates of 1k and 100k in one picture). */
  private static void panel(Graphics2D g, int x, int y, int w, int h, String title, List<Series> series,
                            boolean log) {
    double maxX = 1;
    double maxY = 1;
    for (Series s : series) {
      for (Series.Point p : s.points()) {
        maxX = Math.max(maxX, p.seconds());
        maxY = Math.max(maxY, p.value());
      }
    }
    maxX = niceCeiling(maxX);
    maxY = log ? Math.pow(10, Math.ceil(Math.log10(maxY))) : niceCeiling(maxY * 1.05);
    Scale scale = log ? new Scale(true, 1, maxY) : new Scale(false, 0, maxY);
    int rows = log ? Math.max(1, (int) Math.round(Math.log10(maxY))) : 5;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(Color.BLACK);
    g.drawString(title, x, y - 10);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= rows; i++) {
      int gy = y + h - i * h / rows;
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(x, gy, x + w, gy);
      g.setColor(Color.DARK_GRAY);
      String label = format(log ? Math.pow(10, i) : maxY * i / rows);
      g.drawString(label, x - 8 - g.getFontMetrics().stringWidth(label), gy + 4);
    }
    for (int i = 0; i <= 5; i++) {
      int gx = x + i * w / 5;
      String xLabel = format(maxX * i / 5) + " s";
      g.drawString(xLabel, gx - g.getFontMetrics().stringWidth(xLabel) / 2, y + h + 16);
    }
    g.setColor(Color.BLACK);
    g.drawRect(x, y, w, h);
    if (series.stream().allMatch(s -> s.points().isEmpty())) {
      g.drawString("(no data: phase skipped or failed)", x + w / 2 - 90, y + h / 2);
      return;
    }
    g.setStroke(new BasicStroke(2f));
    int legendY = y + 18;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      g.setColor(PALETTE[i % PALETTE.length]);
      List<Series.Point> points = s.points();
      for (int j = 1; j < points.size(); j++) {
        g.drawLine(px(points.get(j - 1), x, w, maxX), scale.py(points.get(j - 1).value(), y, h),
            px(points.get(j), x, w, maxX), scale.py(points.get(j).value(), y, h));
      }
      if (points.size() == 1) {
        g.fillOval(px(points.get(0), x, w, maxX) - 3, scale.py(points.get(0).value(), y, h) - 3, 6, 6);
      }
      g.fillRect(x + w - 230, legendY - 9, 18, 4);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), x + w - 206, legendY - 3);
      legendY += 18;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int px(Series.Point p, int x, int w, double maxX) {
    return x + (int) Math.round(p.seconds() / maxX * w);
  }

  /** Value -> pixel row, linear or log10 (values below {@code min} drawn at the bottom). */
  record Scale(boolean log, double min, double max) {
    int py(double value, int y, int h) {
      double v = Math.max(min, value);
      double f = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
      return y + h - (int) Math.round(f * h);
    }
  }

  /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}: round axis ends. */
  static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String format(double v) {
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%,.0fk", v / 1000);
    }
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
