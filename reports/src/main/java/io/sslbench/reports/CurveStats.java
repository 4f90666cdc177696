package io.sslbench.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Averages training curves of several runs (seeds) of one configuration. Pure functions. */
public final class CurveStats {
    private CurveStats() {}

    /**
     * One x position of an averaged curve.
     *
     * @param x the x value (step or epoch)
     * @param y mean ± sample std over the runs that logged y at this x
     */
    public record Point(double x, MeanStd y) {}

    /**
     * Mean ± std over runs of {@code yKey} at each {@code xKey} value any run logged. When a run logs the
     * same x twice, its last value counts.
     *
     * @return points sorted by x
     */
    public static List<Point> aggregate(List<TrainingCurve> runs, String xKey, String yKey) {
        TreeMap<Double, List<Double>> byX = new TreeMap<>();
        for (TrainingCurve c : runs) {
            double[][] p = c.points(xKey, yKey);
            Map<Double, Double> last = new LinkedHashMap<>();
            for (int i = 0; i < p[0].length; i++) {
                last.put(p[0][i], p[1][i]);
            }
            last.forEach((x, y) -> byX.computeIfAbsent(x, k -> new ArrayList<>()).add(y));
        }
        List<Point> out = new ArrayList<>(byX.size());
        byX.forEach((x, ys) -> out.add(new Point(x, MeanStd.of(ys.stream().mapToDouble(Double::doubleValue).toArray()))));
        return out;
    }

    /**
     * Shortens a long curve for plotting: consecutive points are grouped into {@code maxPoints} buckets
     * of (almost) equal size, and each bucket becomes one point at its mean x with the mean of its means
     * (the spread is dropped: the point has n = 1). Curves with at most {@code maxPoints}
     * points are returned unchanged.
     */
    public static List<Point> downsample(List<Point> points, int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("CurveStats.downsample: maxPoints must be >= 2, got " + maxPoints);
        }
        if (points.size() <= maxPoints) {
            return points;
        }
        List<Point> out = new ArrayList<>(maxPoints);
        for (int b = 0; b < maxPoints; b++) {
            int from = (int) ((long) b * points.size() / maxPoints);
            int to = (int) ((long) (b + 1) * points.size() / maxPoints);
            double sx = 0;
            double[] ys = new double[to - from];
            for (int i = from; i < to; i++) {
                sx += points.get(i).x();
                ys[i - from] = points.get(i).y().mean();
            }
            MeanStd m = MeanStd.of(ys);
            out.add(new Point(sx / (to - from), MeanStd.of(m.mean())));
        }
        return out;
    }
}
