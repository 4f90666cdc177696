package io.sslbench.reports;

import io.sslbench.core.results.ResultRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class ReportTest {
    @TempDir
    static Path tmp;
    /** The report of this test stays in target/ for inspection, with the browser's screenshot. */
    static final Path OUT = Path.of("target", "report-test").toAbsolutePath();
    static Report.Output out;
    static String html;
    static String md;
    static ReportContent content;

    @BeforeAll
    static void writeReport() throws Exception {
        Path runs = tmp.resolve("runs");
        List<ResultRow> rows = Fixtures.reportRows();
        Fixtures.writeCurves(runs, rows);
        ReportInputs in = ReportInputs.fromRunFolders("sslbench <test> & report", rows, runs, Fixtures.DEVIATIONS,
                Fixtures.DIM);
        content = ReportContent.of(in);
        deleteRecursively(OUT);
        out = Report.write(OUT, in);
        html = Files.readString(out.indexHtml());
        md = Files.readString(out.markdown());
    }

    static void deleteRecursively(Path p) throws java.io.IOException {
        if (Files.exists(p)) {
            try (var walk = Files.walk(p)) {
                for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    @Test
    void filesAreWrittenBesideThePage() {
        Path dir = OUT.resolve("report");
        assertEquals(dir.resolve("index.html"), out.indexHtml());
        assertEquals(dir.resolve("report.md"), out.markdown());
        for (ReportTable t : content.tables()) {
            assertTrue(Files.isRegularFile(dir.resolve(t.id() + ".csv")), t.id());
            assertTrue(Files.isRegularFile(dir.resolve(t.id() + ".tex")), t.id());
        }
        for (ChartSpec c : content.charts()) {
            assertTrue(Files.isRegularFile(dir.resolve("charts").resolve(c.id() + ".png")), c.id());
            assertTrue(Files.isRegularFile(dir.resolve("charts").resolve(c.id() + ".svg")), c.id());
        }
        assertTrue(content.tables().stream().map(ReportTable::id).toList()
                .containsAll(List.of("main", "reference-numbers", "provenance", "ablation-moco-momentum")));
    }

    @Test
    void contentHasEveryChartTheBriefAsksFor() {
        List<String> ids = content.charts().stream().map(ChartSpec::id).toList();
        assertTrue(ids.containsAll(List.of("accuracy-vs-throughput", "accuracy-vs-wall-time", "knn-vs-epoch", "loss-vs-step",
                "collapse-vs-step", "ablation-simsiam-ablation",
                "ablation-simsiam-ablation-output-std")), ids.toString());
        ChartSpec ss = content.charts().stream().filter(c -> c.id().endsWith("-output-std")).findFirst().orElseThrow();
        assertEquals(List.of("w/ stop-grad", "w/o stop-grad", Charts.referenceName(Fixtures.DIM)),
                ss.series().stream().map(ChartSpec.Series::name).toList());
        // without stop-gradient the output std decays towards 0 while the reference stays at 1/sqrt(d)
        List<Double> without = ss.series("w/o stop-grad").y();
        assertTrue(without.get(without.size() - 1) < 0.01 * without.get(0));
        // one kNN series per main method with curves, names as in the main table
        assertEquals(List.of("SimCLR", "MoCo v2", "BYOL", "SwAV", "SimSiam", "x-<b>&amp;"),
                content.charts().get(content.charts().stream().map(ChartSpec::id).toList().indexOf("knn-vs-epoch"))
                        .series().stream().map(ChartSpec.Series::name).toList());
    }

    @Test
    void ablationOutputStdChartsUseTheirOwnEmbeddingDimension() {
        // report-wide d (the main chart's reference) differs from the ablation rows' d = Fixtures.DIM
        ReportContent other = ReportContent.of(ReportInputs.fromRunFolders("d", Fixtures.reportRows(), tmp.resolve("runs"),
                Fixtures.DEVIATIONS, 4 * Fixtures.DIM));
        ChartSpec ablation = other.charts().stream().filter(c -> c.id().endsWith("-output-std")).findFirst().orElseThrow();
        assertTrue(ablation.series().stream().anyMatch(x -> x.name().equals(Charts.referenceName(Fixtures.DIM))),
                ablation.series().toString());
        ChartSpec main = other.charts().stream().filter(c -> c.id().equals("collapse-vs-step")).findFirst().orElseThrow();
        assertTrue(main.series().stream().anyMatch(x -> x.name().equals(Charts.referenceName(4 * Fixtures.DIM))));
    }

    @Test
    void pageIsSelfContained() throws Exception {
        assertTrue(html.contains("http-equiv=\"Content-Security-Policy\""));
        Matcher ref = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (ref.find()) {
            String v = ref.group(1);
            assertTrue(v.startsWith("data:image/png;base64,") || v.startsWith("#"), "external reference: " + v);
            if (v.startsWith("data:")) {
                images++;
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(
                        Base64.getDecoder().decode(v.substring("data:image/png;base64,".length()))));
                assertEquals(XCharts.WIDTH, img.getWidth());
            }
        }
        assertEquals(content.charts().size(), images);
        assertFalse(html.contains("<link"));
        assertFalse(Pattern.compile("<script[^>]+src").matcher(html).find());
    }

    @Test
    void everythingIsEscaped() {
        assertEquals(1, html.split("<script", -1).length - 1, "only the page's own script");
        assertFalse(html.contains("<img src=x"));
        assertFalse(html.contains("<b>&amp;"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 50% _under_ | pipe"));
        assertTrue(html.contains("run-&lt;img src=x onerror=alert(1)&gt;"));
        assertTrue(html.contains("<title>sslbench &lt;test&gt; &amp; report</title>"));
        assertTrue(md.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; 50% \\_under\\_ | pipe"));
    }

    @Test
    void provenanceOfEveryRowAndDeviationsOfEveryMethodAreOnThePage() {
        for (ResultRow r : ResultsFrame.dedupe(Fixtures.reportRows())) {
            assertTrue(html.contains(Escape.html(r.provenance().configHash())), r.runId());
            assertTrue(html.contains(Escape.html(r.provenance().dataHash())), r.runId());
        }
        ReportTable prov = content.tables().stream().filter(t -> t.id().equals("provenance")).findFirst().orElseThrow();
        assertEquals(ResultsFrame.dedupe(Fixtures.reportRows()).size(), prov.rows().size());
        assertTrue(html.contains("0123456789abcdef0123456789abcdef01234567 (dirty)"));
        assertTrue(html.contains("CPU/linux-x86_64-onednn-avx2 helpers=on"));
        assertTrue(html.contains("LARS replaced by SGD with momentum 0.9"));
        assertTrue(html.contains("<h3>MoCo v2 (moco-v2)</h3>\n<p>No deviation recorded.</p>"));
    }

    @Test
    void markdownHasTheSameSections() {
        for (ReportContent.Section s : content.sections()) {
            assertTrue(md.contains("## " + Escape.markdownText(s.heading())), s.heading());
        }
        assertTrue(md.contains("![kNN top-1 during pretraining](charts/knn-vs-epoch.png)"));
        assertTrue(md.contains("| SimCLR | cifar10 · resnet18-cifar · 200 ep | 3 | 82.0 ± 2.0 |"));
    }

    // ---- the page in a real browser -------------------------------------------------------------

    private static Chromium.Result dumpDom(Path html) throws Exception {
        return Chromium.run(tmp.resolve("chromium"), List.of("--enable-logging=stderr", "--v=0", "--dump-dom",
                "--virtual-time-budget=15000", html.toUri().toString()));
    }

    @Test
    void pageRendersInHeadlessChromium() throws Exception {
        Path shot = OUT.resolve("screenshot.png");
        Chromium.Result r = Chromium.run(tmp.resolve("chromium"), List.of("--screenshot=" + shot,
                "--window-size=1400,3000", out.indexHtml().toUri().toString()));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(Files.isRegularFile(shot), "no screenshot; stderr:\n" + r.stderr());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1400, img.getWidth());
        assertEquals(3000, img.getHeight());
        // non-trivial: a rendered page of tables and charts has many colours and plenty of ink
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        long ink = 0;
        long samples = 0;
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                samples++;
                if (rgb != 0xFFFFFF) {
                    ink++;
                }
            }
        }
        assertTrue(colours.size() > 200, "only " + colours.size() + " colours in the screenshot");
        assertTrue(ink > samples / 50, "only " + ink + " of " + samples + " sampled pixels are not white");
    }

    @Test
    void everyImageLoadsAndNoScriptErrorOccurs() throws Exception {
        Chromium.Result r = dumpDom(out.indexHtml());
        assertEquals(0, r.exitCode(), r.stderr());
        String dom = r.stdout();
        assertEquals("true", Chromium.bodyAttribute(dom, "data-checked"), "the page's load check did not run:\n" + r.stderr());
        assertEquals(Integer.toString(content.charts().size()), Chromium.bodyAttribute(dom, "data-images"));
        assertEquals("true", Chromium.bodyAttribute(dom, "data-images-ok"));
        assertEquals("0", Chromium.bodyAttribute(dom, "data-errors"), dom.substring(Math.max(0, dom.indexOf("page-errors") - 20)));
        assertFalse(r.stderr().contains(":CONSOLE"), "console output:\n" + r.stderr());
    }

    @Test
    void theBrowserCheckCatchesBrokenImagesScriptErrorsAndExternalLoads() throws Exception {
        String broken = html.replaceFirst("base64,iVBOR", "base64,AAAAiVBOR")
                .replace("</body>", "<img src=\"https://example.invalid/x.png\"><script>notDefinedAnywhere();</script></body>");
        Path page = OUT.resolve("report").resolve("broken-copy.html");
        Files.writeString(page, broken);
        try {
            Chromium.Result r = dumpDom(page);
            assertEquals("true", Chromium.bodyAttribute(r.stdout(), "data-checked"));
            assertEquals("false", Chromium.bodyAttribute(r.stdout(), "data-images-ok"));
            String errors = r.stdout().substring(r.stdout().indexOf("page-errors"));
            assertTrue(errors.contains("ReferenceError"), errors);
            assertTrue(errors.contains("csp: img-src"), errors);
            assertTrue(Integer.parseInt(Chromium.bodyAttribute(r.stdout(), "data-errors")) >= 3, errors);
        } finally {
            Files.delete(page);
        }
    }
}
