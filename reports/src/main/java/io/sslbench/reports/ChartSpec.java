package io.sslbench.reports;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A chart as data: what to draw, independent of the drawing library. Built by the pure functions of
 * {@link Charts}, turned into XChart objects by {@link XCharts} and into files by {@link ChartFiles}.
 *
 * @param id         file-name-safe id
 * @param title      chart title
 * @param xLabel     x axis title
 * @param yLabel     y axis title
 * @param kind       {@link Kind#XY} (numeric x), {@link Kind#BAR} (categories on x) or {@link Kind#HEAT_MAP} (categories
 *                   on x, one series per y category, its values the cells' values)
 * @param categories the x categories of a bar chart or heat map (empty for XY)
 * @param series     the series, names unique
 */
public record ChartSpec(String id, String title, String xLabel, String yLabel, Kind kind, List<String> categories,
                        List<Series> series) {
    public enum Kind { XY, BAR, HEAT_MAP }

    /** How a series is drawn. */
    public enum Style {
        /** line through markers (few points, e.g. per epoch) */
        LINE_MARKERS,
        /** line only (many points, e.g. per step) */
        LINE,
        /** dashed grey reference line without markers, e.g. 1/sqrt(d) */
        REFERENCE,
        /** markers only (scatter) */
        MARKERS,
        /** bars (bar charts) */
        BARS
    }

    /**
     * One series.
     *
     * @param name   legend name
     * @param x      x values (XY); empty for bar charts, whose x are the chart's categories
     * @param y      y values; NaN = no value at this x / category
     * @param errors symmetric error bar half-lengths (same size as y), or empty for none
     * @param style  how it is drawn
     */
    public record Series(String name, List<Double> x, List<Double> y, List<Double> errors, Style style) {
        public Series {
            Objects.requireNonNull(name, "Series.name");
            x = List.copyOf(x);
            y = List.copyOf(y);
            errors = List.copyOf(errors);
            Objects.requireNonNull(style, "Series.style");
            if (!errors.isEmpty() && errors.size() != y.size()) {
                throw new IllegalArgumentException("Series '" + name + "': " + errors.size() + " error bars for " + y.size()
                        + " values");
            }
        }

        public boolean hasErrorBars() {
            return !errors.isEmpty();
        }
    }

    public ChartSpec {
        Objects.requireNonNull(id, "ChartSpec.id");
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("ChartSpec.id must match [a-z0-9][a-z0-9-]*, got '" + id + "'");
        }
        Objects.requireNonNull(title, "ChartSpec.title");
        Objects.requireNonNull(kind, "ChartSpec.kind");
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        Set<String> names = new HashSet<>();
        for (Series s : series) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("ChartSpec '" + id + "': duplicate series name '" + s.name() + "'");
            }
            boolean categorical = kind != Kind.XY;
            int expected = categorical ? categories.size() : s.x().size();
            if (s.y().size() != expected) {
                throw new IllegalArgumentException("ChartSpec '" + id + "', series '" + s.name() + "': " + s.y().size()
                        + " y values for " + expected + (categorical ? " categories" : " x values"));
            }
            if (categorical && !s.x().isEmpty()) {
                throw new IllegalArgumentException("ChartSpec '" + id + "', series '" + s.name()
                        + "': bar series take their x from the categories");
            }
        }
    }

    /** @return the series with this name */
    public Series series(String name) {
        return series.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("ChartSpec '" + id + "' has no series '" + name + "'; has "
                        + series.stream().map(Series::name).toList()));
    }

    /** @return whether there is anything to draw */
    public boolean isEmpty() {
        return series.isEmpty();
    }
}
