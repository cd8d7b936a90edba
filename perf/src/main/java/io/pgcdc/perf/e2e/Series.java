package io.pgcdc.perf.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A named time series for the chart and the JSON report: (seconds since the phase started,
 * value). Appended by one sampler thread, read after the phase ends; methods are synchronized
 * because the two are different threads (a handful of points per second, no hot path).
 */
final class Series {

  /** One sample. */
  record Point(double seconds, double value) { }

  private final String name;
  private final String unit;
  private final List<Point> points = new ArrayList<>();

  Series(String name, String unit) {
    this.name = name;
    this.unit = unit;
  }

  String name() {
    return name;
  }

  String unit() {
    return unit;
  }

  synchronized void add(double seconds, double value) {
    points.add(new Point(seconds, value));
  }

  /** The latest sample's value, NaN before the first. */
  synchronized double lastValue() {
    return points.isEmpty() ? Double.NaN : points.get(points.size() - 1).value();
  }

  synchronized List<Point> points() {
    return Collections.unmodifiableList(new ArrayList<>(points));
  }

  /**
   * The rate of change of a cumulative series (e.g. events delivered so far -> events/s) over a
   * sliding window of at least {@code windowSeconds} ending at each sample. The window smooths
   * counters that only move in steps (a slot's confirmed_flush_lsn moves once per status update).
   */
  Series rate(String rateName, String rateUnit, double windowSeconds) {
    Series out = new Series(rateName, rateUnit);
    List<Point> p = points();
    int from = 0;
    for (int i = 1; i < p.size(); i++) {
      while (from + 1 < i && p.get(i).seconds() - p.get(from + 1).seconds() >= windowSeconds) {
        from++;
      }
      double dt = p.get(i).seconds() - p.get(from).seconds();
      if (dt > 0) {
        out.add(p.get(i).seconds(), (p.get(i).value() - p.get(from).value()) / dt);
      }
    }
    return out;
  }

  /**
   * The first time the cumulative series reaches {@code target}, linearly interpolated between
   * the samples around it; NaN when it never does.
   */
  double timeToReach(double target) {
    List<Point> p = points();
    for (int i = 0; i < p.size(); i++) {
      if (p.get(i).value() >= target) {
        if (i == 0) {
          return p.get(0).seconds();
        }
        Point a = p.get(i - 1);
        Point b = p.get(i);
        double f = (target - a.value()) / (b.value() - a.value());
        return a.seconds() + f * (b.seconds() - a.seconds());
      }
    }
    return Double.NaN;
  }
}
