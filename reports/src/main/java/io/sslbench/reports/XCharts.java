package io.sslbench.reports;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a {@link ChartSpec} into an XChart chart object (pure: builds objects, draws nothing). Axis
 * labels are formatted with {@link Locale#ROOT} whatever the JVM's default locale.
 */
public final class XCharts {
    private XCharts() {}

    public static final int WIDTH = 900;
    public static final int HEIGHT = 520;
    private static final Color REFERENCE_GREY = new Color(110, 110, 110);

    /** @return an {@link XYChart} for {@link ChartSpec.Kind#XY}, a {@link CategoryChart} for bars, a {@link HeatMapChart} */
    public static Chart<?, ?> toChart(ChartSpec spec) {
        return switch (spec.kind()) {
            case BAR -> toCategoryChart(spec);
            case XY -> toXYChart(spec);
            case HEAT_MAP -> toHeatMapChart(spec);
        };
    }

    /**
     * A heat map: columns = the spec's categories, rows = its series (first series at the top), each cell's value
     * printed in it; cells without a value (NaN) are left out.
     *
     * @throws IllegalArgumentException if the spec is not a heat map
     */
    public static HeatMapChart toHeatMapChart(ChartSpec spec) {
        if (spec.kind() != ChartSpec.Kind.HEAT_MAP) {
            throw new IllegalArgumentException("chart '" + spec.id() + "' is " + spec.kind() + ", not HEAT_MAP");
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title())
                .xAxisTitle(spec.xLabel()).yAxisTitle(spec.yLabel()).build();
        chart.getStyler().setLocale(Locale.ROOT);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("0.0");
        chart.getStyler().setLegendVisible(false);
        List<String> rows = new ArrayList<>();
        spec.series().forEach(s -> rows.add(0, s.name())); // y grows upwards: the first row on top
        List<Number[]> cells = new ArrayList<>();
        int n = spec.series().size();
        for (int i = 0; i < n; i++) {
            List<Double> y = spec.series().get(i).y();
            for (int x = 0; x < y.size(); x++) {
                if (!Double.isNaN(y.get(x))) {
                    cells.add(new Number[]{x, n - 1 - i, y.get(x)});
                }
            }
        }
        chart.addSeries("cells", spec.categories(), rows, cells);
        return chart;
    }

    /** @throws IllegalArgumentException if the spec is not an XY chart */
    public static XYChart toXYChart(ChartSpec spec) {
        if (spec.kind() != ChartSpec.Kind.XY) {
            throw new IllegalArgumentException("chart '" + spec.id() + "' is " + spec.kind() + ", not XY");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title())
                .xAxisTitle(spec.xLabel()).yAxisTitle(spec.yLabel()).build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(7);
        for (ChartSpec.Series s : spec.series()) {
            XYSeries xs = s.hasErrorBars()
                    ? chart.addSeries(s.name(), s.x(), s.y(), s.errors())
                    : chart.addSeries(s.name(), s.x(), s.y());
            switch (s.style()) {
                case LINE_MARKERS -> {
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    xs.setMarker(SeriesMarkers.CIRCLE);
                }
                case LINE, BARS -> {
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    xs.setMarker(SeriesMarkers.NONE);
                }
                case REFERENCE -> {
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    xs.setMarker(SeriesMarkers.NONE);
                    xs.setLineStyle(SeriesLines.DASH_DASH);
                    xs.setLineColor(REFERENCE_GREY);
                }
                case MARKERS -> {
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    xs.setMarker(SeriesMarkers.CIRCLE);
                }
            }
        }
        return chart;
    }

    /**
     * Bars; a missing value (NaN) leaves a gap, and then that series is drawn without error bars (XChart
     * cannot combine the two).
     *
     * @throws IllegalArgumentException if the spec is not a bar chart
     */
    public static CategoryChart toCategoryChart(ChartSpec spec) {
        if (spec.kind() != ChartSpec.Kind.BAR) {
            throw new IllegalArgumentException("chart '" + spec.id() + "' is " + spec.kind() + ", not BAR");
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(spec.title())
                .xAxisTitle(spec.xLabel()).yAxisTitle(spec.yLabel()).build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setYAxisMin(0.0);
        for (ChartSpec.Series s : spec.series()) {
            List<Double> y = new ArrayList<>(s.y().size());
            s.y().forEach(v -> y.add(Double.isNaN(v) ? null : v));
            // XChart 3.8.8 skips null bars but throws on a null next to error bars: a series with a gap
            // is drawn without its error bars
            boolean gaps = y.contains(null);
            CategorySeries cs = s.hasErrorBars() && !gaps
                    ? chart.addSeries(s.name(), spec.categories(), y, s.errors())
                    : chart.addSeries(s.name(), spec.categories(), y);
            cs.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        }
        return chart;
    }

    /** Axis number pattern: a leading zero ("0.088", not XChart's ".088"), up to four decimals, no grouping. */
    public static final String DECIMAL_PATTERN = "0.####";

    private static void style(AxesChartStyler st) {
        st.setLocale(Locale.ROOT);
        st.setXAxisDecimalPattern(DECIMAL_PATTERN);
        st.setYAxisDecimalPattern(DECIMAL_PATTERN);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(true);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setErrorBarsColorSeriesColor(true);
        st.setAntiAlias(true);
    }
}
