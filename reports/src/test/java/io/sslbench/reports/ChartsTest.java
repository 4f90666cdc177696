package io.sslbench.reports;

import io.sslbench.core.results.ResultRow;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ChartsTest {
    private static List<Double> list(double... v) {
        List<Double> out = new ArrayList<>();
        for (double d : v) {
            out.add(d);
        }
        return out;
    }

    private static void assertListEquals(List<Double> expected, List<Double> actual, double tol) {
        assertEquals(expected.size(), actual.size(), "sizes");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), tol, "index " + i);
        }
    }

    private static Map<String, List<TrainingCurve>> twoMethods() {
        Map<String, List<TrainingCurve>> g = new LinkedHashMap<>();
        // SimCLR: two seeds whose kNN differs by 0.02 at every epoch
        g.put("SimCLR", List.of(Curves.run("s0", 3, 4, s -> 5 - 0.1 * s, s -> 0.08, e -> 0.30 + 0.1 * e),
                Curves.run("s1", 3, 4, s -> 5 - 0.1 * s, s -> 0.09, e -> 0.32 + 0.1 * e)));
        g.put("BYOL", List.of(Curves.run("b0", 3, 4, s -> 2 - 0.05 * s, s -> 0.07, e -> 0.40 + 0.1 * e)));
        return g;
    }

    @Test
    void knnVsEpochHasOneSeriesPerMethodWithSeedErrorBars() {
        ChartSpec c = Charts.knnVsEpoch(twoMethods());
        assertEquals(List.of("SimCLR", "BYOL"), c.series().stream().map(ChartSpec.Series::name).toList());
        ChartSpec.Series s = c.series("SimCLR");
        assertListEquals(list(0, 1, 2), s.x(), 0);
        assertListEquals(list(31, 41, 51), s.y(), 1e-9);
        double e = 100 * 0.01 * Math.sqrt(2); // sample std of {x-0.01, x+0.01}
        assertListEquals(list(e, e, e), s.errors(), 1e-9);
        assertFalse(c.series("BYOL").hasErrorBars(), "one seed: no error bars");
        assertEquals("kNN top-1 (%)", c.yLabel());
        assertEquals(ChartSpec.Style.LINE_MARKERS, s.style());
    }

    @Test
    void lossVsStepIsDownsampledToAtMostMaxPoints() {
        Map<String, List<TrainingCurve>> g = Map.of("long", List.of(Curves.run("r", 10, 500, s -> s, s -> 0, e -> 0)));
        ChartSpec c = Charts.lossVsStep(g);
        ChartSpec.Series s = c.series("long");
        assertEquals(Charts.MAX_LINE_POINTS, s.x().size());
        // 5000 steps in 1000 buckets of 5: bucket b holds steps 5b..5b+4, loss = step
        assertEquals(2.0, s.x().get(0), 1e-12);
        assertEquals(4997.0, s.y().get(999), 1e-12);
    }

    @Test
    void collapseChartHasTheReferenceLineOverTheStepRange() {
        Map<String, List<TrainingCurve>> g = new LinkedHashMap<>();
        g.put("w/ stop-grad", List.of(Curves.run("a", 2, 5, s -> 0, s -> 0.088, e -> 0)));
        g.put("w/o stop-grad", List.of(Curves.run("b", 2, 5, s -> 0, s -> 0.088 / (1 + s), e -> 0)));
        ChartSpec c = Charts.collapseStdVsStep("simsiam-collapse", "SimSiam", g, 128);
        assertEquals(List.of("w/ stop-grad", "w/o stop-grad", "1/√d (d = 128) = 0.0884"),
                c.series().stream().map(ChartSpec.Series::name).toList());
        ChartSpec.Series ref = c.series(Charts.referenceName(128));
        assertListEquals(list(0, 9), ref.x(), 0);
        assertListEquals(list(1 / Math.sqrt(128), 1 / Math.sqrt(128)), ref.y(), 1e-15);
        assertEquals(ChartSpec.Style.REFERENCE, ref.style());
        assertEquals(0.0088, c.series("w/o stop-grad").y().get(9), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Charts.collapseStdVsStep("x", "x", g, 0));
    }

    @Test
    void ablationBarsComeFromTheAblationTable() {
        List<AblationTable> ts = Ablations.build(Fixtures.allRows());
        AblationTable ss = ts.stream().filter(t -> t.grid().equals("simsiam-ablation")).findFirst().orElseThrow();
        ChartSpec c = Charts.ablationChart(ss);
        assertEquals(ChartSpec.Kind.BAR, c.kind());
        assertEquals(List.of("w/ stop-grad", "w/o stop-grad"), c.categories());
        assertEquals(List.of("kNN top-1 (%)", "Linear top-1 (%)", "Linear top-5 (%)"),
                c.series().stream().map(ChartSpec.Series::name).toList());
        assertListEquals(list(75, 10), c.series("kNN top-1 (%)").y(), 1e-9);
        assertListEquals(list(100 * 0.01 * Math.sqrt(2), 0), c.series("kNN top-1 (%)").errors(), 1e-9);

        AblationTable pivot = ts.stream().filter(t -> t.grid().equals("simclr-head")).findFirst().orElseThrow();
        ChartSpec p = Charts.ablationChart(pivot);
        assertEquals(List.of("none", "linear", "non-linear (MLP)"), p.categories());
        assertEquals(List.of("temperature τ 0.1", "temperature τ 0.5"), p.series().stream().map(ChartSpec.Series::name).toList());
        assertListEquals(list(62, 72, 82), p.series("temperature τ 0.1").y(), 1e-9);
        assertEquals("Linear top-1 (%)", p.yLabel());
    }

    /**
     * A numeric one-axis ablation with a line-chart spec (SimCLR's batch size, MoCo's K) is drawn as accuracy against
     * log2 of the value, points in value order whatever the rows' order, error bars over seeds; the MoCo momentum
     * sweep (numeric too, but a bar spec) stays bars.
     */
    @Test
    void numericAblationsOfLineSpecsAreLinesOverLog2OfTheValue() {
        List<ResultRow> rows = new ArrayList<>();
        String[] batches = {"512", "64", "256", "128"};
        double[] knn = {0.70, 0.61, 0.68, 0.65};
        for (int i = 0; i < batches.length; i++) {
            for (int s = 0; s < 2; s++) {
                Fixtures.Run r = Fixtures.run("b" + batches[i] + "-s" + s, "simclr-batch", "simclr",
                        Map.of("batchSize", batches[i]), s, 100, 60, 0.08, false);
                rows.add(r.row("knn", knn[i] + Fixtures.D2[s], Double.NaN));
            }
        }
        AblationTable t = Ablations.build(rows).get(0);
        assertEquals("simclr-batch", t.spec().id());
        ChartSpec c = Charts.ablationChart(t);
        assertEquals(ChartSpec.Kind.XY, c.kind());
        assertEquals("log2 batch size", c.xLabel());
        ChartSpec.Series knnLine = c.series("kNN top-1 (%)");
        assertEquals(ChartSpec.Style.LINE_MARKERS, knnLine.style());
        assertListEquals(list(6, 7, 8, 9), knnLine.x(), 1e-12);
        assertListEquals(list(61, 65, 68, 70), knnLine.y(), 1e-9);
        assertListEquals(list(100 * 0.01 * Math.sqrt(2), 100 * 0.01 * Math.sqrt(2), 100 * 0.01 * Math.sqrt(2),
                100 * 0.01 * Math.sqrt(2)), knnLine.errors(), 1e-9);
        XCharts.toXYChart(c); // drawable

        AblationTable momentum = Ablations.build(Fixtures.allRows()).stream()
                .filter(a -> a.spec().id().equals("moco-momentum")).findFirst().orElseThrow();
        assertEquals(ChartSpec.Kind.BAR, Charts.ablationChart(momentum).kind());
    }

    /**
     * Issue 18 item 1: SimCLR's augmentation matrix is a heat map, rows = first transformation (top row first), columns
     * = second, the primary metric in percent in each cell, a missing cell left out; PNG and SVG draw.
     */
    @Test
    void theAugmentationMatrixIsAHeatMap() throws Exception {
        List<ResultRow> rows = new ArrayList<>();
        String[] t = {"crop", "color", "flip"};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i == 2 && j == 0) {
                    continue; // a cell not run
                }
                Fixtures.Run r = Fixtures.run("a" + i + j, "simclr-augment", "simclr",
                        Map.of("aug.first", t[i], "aug.second", t[j]), 0, 100, 60, 0.08, false);
                rows.add(r.row("knn", 0.1 * (i + 1) + 0.01 * j, Double.NaN));
            }
        }
        AblationTable table = Ablations.build(rows).get(0);
        assertEquals("simclr-augment", table.spec().id());
        ChartSpec c = Charts.ablationChart(table);
        assertEquals(ChartSpec.Kind.HEAT_MAP, c.kind());
        assertEquals(List.of("crop", "colour jitter", "flip"), c.categories());
        assertEquals(List.of("crop", "colour jitter", "flip"), c.series().stream().map(ChartSpec.Series::name).toList());
        assertListEquals(list(20, 21, 22), c.series("colour jitter").y(), 1e-9);
        assertTrue(Double.isNaN(c.series("flip").y().get(0)));
        org.knowm.xchart.HeatMapChart h = XCharts.toHeatMapChart(c);
        var series = h.getSeriesMap().values().iterator().next();
        assertEquals(8, series.getHeatData().size(), "8 cells drawn, the missing one left out");
        assertEquals(List.of("flip", "colour jitter", "crop"), series.getYData(), "first row on top");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(ChartFiles.png(c))));
        assertTrue(new String(ChartFiles.svg(c), java.nio.charset.StandardCharsets.UTF_8).contains("<svg"));
        assertEquals(List.of("1st transformation / 2nd transformation", "crop", "colour jitter", "flip"),
                table.toReportTable().header(), "the paper's matrix: rows the first, columns the second");
    }

    @Test
    void accuracyVsCostHasOnePointPerMethod() {
        MainTable t = MainTable.from(Fixtures.allRows());
        ChartSpec c = Charts.accuracyVsCost(t, Charts.Cost.IMG_PER_SEC);
        assertEquals(List.of("SimCLR", "MoCo v2", "BYOL", "SwAV", "SimSiam"),
                c.series().stream().map(ChartSpec.Series::name).toList());
        ChartSpec.Series simclr = c.series("SimCLR");
        assertListEquals(list(200), simclr.x(), 1e-9);
        assertListEquals(list(84), simclr.y(), 1e-9);
        assertListEquals(list(2), simclr.errors(), 1e-9);
        assertListEquals(list(0), c.series("SimSiam").errors(), 0);
        ChartSpec w = Charts.accuracyVsCost(t, Charts.Cost.WALL_MINUTES);
        assertListEquals(list(60), w.series("SimCLR").x(), 1e-9);
        assertEquals("Linear top-1 vs training cost", c.title());
    }

    @Test
    void xchartObjectsCarryTheSpecsSeries() {
        ChartSpec c = Charts.knnVsEpoch(twoMethods());
        XYChart x = XCharts.toXYChart(c);
        assertEquals(c.series().size(), x.getSeriesMap().size());
        for (ChartSpec.Series s : c.series()) {
            XYSeries xs = x.getSeriesMap().get(s.name());
            assertNotNull(xs, s.name());
            assertArrayEquals(s.x().stream().mapToDouble(Double::doubleValue).toArray(), xs.getXData(), 0);
            assertArrayEquals(s.y().stream().mapToDouble(Double::doubleValue).toArray(), xs.getYData(), 0);
            if (s.hasErrorBars()) {
                assertArrayEquals(s.errors().stream().mapToDouble(Double::doubleValue).toArray(), xs.getExtraValues(), 0);
            }
        }
        assertEquals(java.util.Locale.ROOT, x.getStyler().getLocale());

        ChartSpec b = Charts.ablationChart(Ablations.build(Fixtures.allRows()).get(0));
        CategoryChart cc = XCharts.toCategoryChart(b);
        assertEquals(b.categories(), new ArrayList<>(cc.getSeriesMap().values().iterator().next().getXData()));
        assertThrows(IllegalArgumentException.class, () -> XCharts.toXYChart(b));
    }

    @Test
    void pngAndSvgAreValidImages() throws Exception {
        ChartSpec c = Charts.knnVsEpoch(twoMethods());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(ChartFiles.png(c)));
        assertEquals(XCharts.WIDTH, img.getWidth());
        assertEquals(XCharts.HEIGHT, img.getHeight());
        byte[] svg = ChartFiles.svg(c);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
        assertEquals("svg", d.getDocumentElement().getLocalName() == null ? d.getDocumentElement().getTagName()
                : d.getDocumentElement().getLocalName());
        // a bar chart with a missing value still draws
        ChartSpec bars = new ChartSpec("bars", "t", "x", "y", ChartSpec.Kind.BAR, List.of("a", "b"),
                List.of(new ChartSpec.Series("s", List.of(), list(1, Double.NaN), list(0.1, 0), ChartSpec.Style.BARS)));
        assertNotNull(ImageIO.read(new ByteArrayInputStream(ChartFiles.png(bars))));
    }

    @Test
    void specValidation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChartSpec("x", "t", "x", "y",
                ChartSpec.Kind.XY, List.of(), List.of(new ChartSpec.Series("a", list(1, 2), list(1), List.of(), ChartSpec.Style.LINE))));
        assertTrue(e.getMessage().contains("1 y values for 2 x values"));
        ChartSpec.Series a = new ChartSpec.Series("a", list(1), list(1), List.of(), ChartSpec.Style.LINE);
        e = assertThrows(IllegalArgumentException.class, () -> new ChartSpec("x", "t", "x", "y", ChartSpec.Kind.XY, List.of(),
                List.of(a, a)));
        assertTrue(e.getMessage().contains("duplicate series name 'a'"));
    }
}
