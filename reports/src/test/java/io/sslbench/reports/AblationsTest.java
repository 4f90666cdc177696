package io.sslbench.reports;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AblationsTest {
    private static AblationTable byGrid(List<AblationTable> ts, String grid) {
        return ts.stream().filter(t -> t.grid().equals(grid)).findFirst().orElseThrow(() -> new AssertionError("no " + grid));
    }

    @Test
    void eachGridGetsTheLayoutOfItsOwnFileByExactName() {
        List<AblationTable> ts = Ablations.build(Fixtures.allRows());
        assertEquals(List.of("byol-decay", "lr-sweep", "moco-momentum", "simclr-head", "simsiam-ablation",
                "swav-multicrop"), ts.stream().map(AblationTable::grid).toList());
        for (String g : List.of("byol-decay", "moco-momentum", "simclr-head", "simsiam-ablation", "swav-multicrop")) {
            assertEquals(g, byGrid(ts, g).spec().id(), "the report section of " + g + ".yaml");
        }
        assertEquals("grid", byGrid(ts, "lr-sweep").spec().id(), "a grid without a file gets the generic layout");
        assertEquals("BYOL: target network decay rate", byGrid(ts, "byol-decay").spec().title());
    }

    @Test
    void theLayoutsComeFromTheGridFilesAndBadOnesNameTheProblem() {
        AblationSpec eps = AblationSpec.of("swav-epsilon").orElseThrow();
        assertTrue(eps.showOutputStd());
        assertEquals(List.of("method.epsilon"), eps.axes());
        assertEquals(AblationSpec.Chart.HEAT_MAP, AblationSpec.of("simclr-augment").orElseThrow().chart());
        assertEquals("all", AblationSpec.of("augment-reduction").orElseThrow().reference());
        assertTrue(AblationSpec.of("moco-momentum").orElseThrow().horizontal());
        assertTrue(AblationSpec.of("no-such-grid").isEmpty());
        io.sslbench.core.config.ConfigException e = assertThrows(io.sslbench.core.config.ConfigException.class,
                () -> AblationSpec.fromTree("g", Map.of("title", "t", "caption", "c", "axes", List.of("a"), "chrat", "line"),
                        "g.yaml"));
        assertTrue(e.getMessage().contains("chrat") && e.getMessage().contains("g.yaml"), e.getMessage());
        e = assertThrows(io.sslbench.core.config.ConfigException.class,
                () -> AblationSpec.fromTree("g", Map.of("title", "t", "caption", "c", "axes", List.of("a"), "chart", "pie"),
                        "g.yaml"));
        assertTrue(e.getMessage().contains("heat-map"), e.getMessage());
    }

    @Test
    void simsiamStopGradientTableShowsAccuracyAndOutputStd() {
        AblationTable t = byGrid(Ablations.build(Fixtures.allRows()), "simsiam-ablation");
        assertEquals(List.of("w/ stop-grad", "w/o stop-grad"), t.rowLabels());
        AblationTable.AblationRow with = t.rows().get(0);
        assertEquals(0.75, with.accuracy(MainTable.Metric.KNN_TOP1).mean(), 1e-12);
        assertEquals(0.01 * Math.sqrt(2), with.accuracy(MainTable.Metric.KNN_TOP1).std(), 1e-12);
        assertEquals(0.088, with.outputStd().mean(), 1e-12);
        assertEquals(0.001 * Math.sqrt(2), with.outputStd().std(), 1e-12);
        assertEquals(2, t.rows().get(1).collapsedRuns());
        ReportTable rt = t.toReportTable();
        String stdHeader = "Output std (1/√d = " + Fmt.fixed(1 / Math.sqrt(Fixtures.DIM), 4) + ")";
        assertEquals(List.of("stop-gradient", "Seeds", "kNN top-1 (%)", "Linear top-1 (%)", "Linear top-5 (%)", stdHeader,
                "Collapsed"), rt.header());
        assertEquals("0.0880 ± 0.0014", rt.cell("w/ stop-grad", stdHeader).display());
        assertEquals("yes", rt.cell("w/o stop-grad", "Collapsed").display());
        assertEquals("10.0 ± 0.0", rt.cell("w/o stop-grad", "kNN top-1 (%)").display());
    }

    @Test
    void mocoMomentumIsLaidOutHorizontallyInNumericOrder() {
        ReportTable rt = byGrid(Ablations.build(Fixtures.allRows()), "moco-momentum").toReportTable();
        assertEquals(List.of("momentum m", "0", "0.9", "0.99", "0.999"), rt.header());
        assertEquals("kNN top-1 (%)", rt.rows().get(0).get(0).display());
        assertEquals(List.of("10.0", "74.0", "78.0", "80.0"),
                rt.rows().get(0).subList(1, 5).stream().map(Cell::display).toList());
        assertEquals("yes", rt.cell("Collapsed", "0").display());
        assertEquals("no", rt.cell("Collapsed", "0.999").display());
    }

    @Test
    void simclrHeadByTemperatureIsAPivot() {
        AblationTable t = byGrid(Ablations.build(Fixtures.allRows()), "simclr-head");
        assertEquals("method.temperature", t.colAxis());
        assertEquals(List.of("0.1", "0.5"), t.colValues());
        assertEquals(MainTable.Metric.LINEAR_TOP1, t.primaryMetric());
        ReportTable rt = t.toReportTable();
        assertEquals(List.of("projection head / temperature τ", "0.1", "0.5"), rt.header());
        assertEquals(List.of("none", "linear", "non-linear (MLP)"), rt.rows().stream().map(r -> r.get(0).display()).toList());
        for (String head : List.of("none", "linear", "mlp")) {
            for (String tau : Fixtures.TAUS) {
                String label = head.equals("mlp") ? "non-linear (MLP)" : head;
                Cell c = rt.cell(label, tau);
                assertEquals(Fixtures.simclrHeadTauLinear(head, tau) * 100, c.stat().mean(), 1e-9);
                assertEquals(Math.sqrt(2), c.stat().std(), 1e-9);
            }
        }
    }

    @Test
    void byolAndSwavTables() {
        List<AblationTable> ts = Ablations.build(Fixtures.allRows());
        ReportTable byol = byGrid(ts, "byol-decay").toReportTable();
        assertEquals(List.of("0", "0.99", "0.996", "1"), byol.rows().stream().map(r -> r.get(0).display()).toList());
        assertEquals("τ_base", byol.header().get(0));
        ReportTable swav = byGrid(ts, "swav-multicrop").toReportTable();
        assertEquals(List.of("2 crops (no multi-crop)", "multi-crop"), swav.rows().stream().map(r -> r.get(0).display()).toList());
        assertEquals("74.0", swav.cell("multi-crop", "kNN top-1 (%)").display());
    }

    @Test
    void unknownGridGetsAGenericTableSplitByMethod() {
        AblationTable t = byGrid(Ablations.build(Fixtures.allRows()), "lr-sweep");
        assertEquals(List.of("simclr", "byol"), t.methods());
        assertEquals(List.of("SimCLR, optimizer.lr 0.05", "SimCLR, optimizer.lr 0.3", "BYOL, optimizer.lr 0.05",
                "BYOL, optimizer.lr 0.3"), t.rowLabels());
        assertEquals("ablation-lr-sweep", t.id());
    }

    /** Issue 18 item 1: BYOL Fig. 3b's reductions, SimCLR and BYOL side by side with the drop from the full set. */
    @Test
    void augmentationReductionsShowTheDropFromTheFullAugmentationPerMethod() {
        List<io.sslbench.core.results.ResultRow> rows = new java.util.ArrayList<>();
        String[] keep = {"all", "crop+flip+blur+solarize", "crop"};
        double[][] knn = {{0.40, 0.30, 0.25}, {0.38, 0.36, 0.33}}; // simclr, byol
        String[] methods = {"simclr", "byol"};
        for (int m = 0; m < 2; m++) {
            for (int k = 0; k < 3; k++) {
                Fixtures.Run r = Fixtures.run(methods[m] + k, "augment-reduction", methods[m],
                        java.util.Map.of("aug.keep", keep[k]), 0, 100, 60, 0.08, false);
                rows.add(r.row("knn", knn[m][k], Double.NaN));
            }
        }
        AblationTable t = byGrid(Ablations.build(rows), "augment-reduction");
        ReportTable rt = t.toReportTable();
        String delta = "Δ kNN top-1 vs full (points)";
        assertTrue(rt.header().contains(delta), rt.header().toString());
        assertEquals("-10.0", rt.cell("SimCLR, augmentations colour distortion removed", delta).display());
        assertEquals("-15.0", rt.cell("SimCLR, augmentations crops only", delta).display());
        assertEquals("-5.0", rt.cell("BYOL, augmentations crops only", delta).display());
        assertEquals("+0.0", rt.cell("BYOL, augmentations full", delta).display());
        assertFalse(rt.header().contains(AblationTable.PRETEXT_HEADER), "no pretext accuracy recorded: no column");
    }

    /** Issue 18 item 2: the pretext accuracy beside kNN, where the runs recorded one. */
    @Test
    void bnLeakageTablesShowThePretextAccuracy() {
        List<io.sslbench.core.results.ResultRow> rows = new java.util.ArrayList<>();
        for (String shuffle : new String[]{"true", "false"}) {
            Fixtures.Run r = Fixtures.run("moco-" + shuffle, "moco-shufflebn", "moco-v2",
                    java.util.Map.of("method.shuffleBn", shuffle), 0, 100, 60, 0.08, false);
            var row = r.row("knn", shuffle.equals("true") ? 0.40 : 0.35, Double.NaN);
            java.util.Map<String, Double> m = new java.util.LinkedHashMap<>(row.metrics());
            m.put(io.sslbench.core.loss.PretextAccuracy.DIAGNOSTIC, shuffle.equals("true") ? 0.60 : 0.95);
            rows.add(new io.sslbench.core.results.ResultRow(row.runId(), row.suite(), row.grid(), row.cell(), row.method(),
                    row.axes(), row.protocol(), m, row.backbone(), row.dataset(), row.epochs(), row.imgPerSec(),
                    row.wallSeconds(), row.peakRssBytes(), row.collapseStd(), row.embeddingDim(), row.collapsed(),
                    row.provenance()));
        }
        AblationTable t = byGrid(Ablations.build(rows), "moco-shufflebn");
        assertEquals("moco-shufflebn", t.spec().id());
        ReportTable rt = t.toReportTable();
        assertEquals("60.0", rt.cell("Shuffling BN", AblationTable.PRETEXT_HEADER).display());
        assertEquals("95.0", rt.cell("per device, unshuffled", AblationTable.PRETEXT_HEADER).display());
    }
}
