package io.sslbench.reports;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every text the report produces must be byte-identical whatever the JVM's default locale: Hindi (India),
 * German (decimal comma) and Arabic (Egypt, Arabic-Indic digits in CLDR) are tried against ROOT.
 */
class LocaleTest {
    private static final List<Locale> FOREIGN = List.of(new Locale("hi", "IN"), Locale.GERMANY,
            Locale.forLanguageTag("ar-EG"));

    /** Everything text-like: all tables in all formats, and the SVG of charts with fractional ticks. */
    private static List<String> renderAll() {
        List<String> out = new ArrayList<>();
        List<ReportTable> tables = new ArrayList<>();
        MainTable main = MainTable.from(Fixtures.allRows());
        tables.add(main.toReportTable());
        tables.add(PaperNumbers.referenceTable());
        Ablations.build(Fixtures.allRows()).forEach(t -> tables.add(t.toReportTable()));
        for (ReportTable t : tables) {
            out.add(TableFormats.markdown(t));
            out.add(TableFormats.latex(t));
            out.add(TableFormats.csv(t));
            out.add(TableFormats.html(t));
        }
        Map<String, List<TrainingCurve>> g = new LinkedHashMap<>();
        g.put("w/ stop-grad", List.of(Curves.run("a", 2, 5, s -> 0, s -> 0.088, e -> 0)));
        g.put("w/o stop-grad", List.of(Curves.run("b", 2, 5, s -> 0, s -> 0.088 / (1 + s), e -> 0)));
        out.add(new String(ChartFiles.svg(Charts.collapseStdVsStep("c", "collapse", g, 128)), StandardCharsets.UTF_8));
        out.add(new String(ChartFiles.svg(Charts.accuracyVsCost(main, Charts.Cost.WALL_MINUTES)), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void outputIsTheSameUnderForeignDefaultLocales() {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        Locale savedDisplay = Locale.getDefault(Locale.Category.DISPLAY);
        try {
            Locale.setDefault(Locale.ROOT);
            List<String> reference = renderAll();
            // sanity: the reference really has decimal points where a German locale would put commas
            assertTrue(reference.get(0).contains("82.0 ± 2.0"));
            assertEquals("1,5", String.format(Locale.GERMANY, "%.1f", 1.5), "the German locale must really differ");
            for (Locale l : FOREIGN) {
                Locale.setDefault(l);
                List<String> foreign = renderAll();
                for (int i = 0; i < reference.size(); i++) {
                    assertEquals(reference.get(i), foreign.get(i), "output " + i + " differs under " + l);
                }
            }
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
            Locale.setDefault(Locale.Category.DISPLAY, savedDisplay);
        }
    }

    /**
     * XChart draws labels as glyph outlines, so the SVG holds no text to search. This shows the SVG
     * comparison above would still see a decimal comma: the same chart with its styler forced to German
     * differs from ours.
     */
    @Test
    void svgComparisonSeesLocaleDependentTickLabels() throws Exception {
        Map<String, List<TrainingCurve>> g = Map.of("a", List.of(Curves.run("a", 2, 5, s -> 0, s -> 0.05 + 0.004 * s, e -> 0)));
        ChartSpec spec = Charts.collapseStdVsStep("c", "c", g, 128);
        String ours = new String(ChartFiles.svg(spec), StandardCharsets.UTF_8);
        org.knowm.xchart.XYChart german = XCharts.toXYChart(spec);
        german.getStyler().setLocale(Locale.GERMANY);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.knowm.xchart.VectorGraphicsEncoder.saveVectorGraphic(german, out,
                org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        assertNotEquals(ours, out.toString(StandardCharsets.UTF_8));
        assertEquals(ours, new String(ChartFiles.svg(spec), StandardCharsets.UTF_8), "rendering is deterministic");
    }
}
