package io.sslbench.reports;

import io.sslbench.core.results.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sslbench.reports.MainTable.Metric.*;
import static org.junit.jupiter.api.Assertions.*;

class MainTableTest {
    private static MainTable.Entry entry(MainTable t, String method) {
        return t.methods().stream().filter(e -> e.method().equals(method)).findFirst().orElseThrow();
    }

    @Test
    void meanAndSampleStdOverSeedsPerProtocol() {
        MainTable t = MainTable.from(Fixtures.allRows());
        Fixtures.MAIN_BASE.forEach((method, b) -> {
            MainTable.Entry e = entry(t, method);
            assertEquals(3, e.runs(), method);
            assertEquals(3, e.seeds(), method);
            MainTable.Metric[] ms = {KNN_TOP1, LINEAR_TOP1, SEMI1_TOP1, SEMI10_TOP1};
            for (int i = 0; i < ms.length; i++) {
                double expected = i == 0 ? b[0] : b[i + (i >= 2 ? 1 : 0)];
                MeanStd s = e.accuracy(ms[i]);
                assertEquals(expected, s.mean(), 1e-12, method + " " + ms[i]);
                assertEquals(0.02, s.std(), 1e-12, method + " " + ms[i]);
                assertEquals(3, s.n());
            }
            // top-5 is the same on every seed: std 0
            assertEquals(b[2], e.accuracy(LINEAR_TOP5).mean(), 1e-12);
            assertEquals(0.0, e.accuracy(LINEAR_TOP5).std(), 1e-12);
            // cost: imgPerSec = base + 100*d -> mean base, sample std 2; wall = 3600 + 6000*d -> std 120
            assertEquals(b[5], e.imgPerSec().mean(), 1e-9);
            assertEquals(2.0, e.imgPerSec().std(), 1e-9);
            assertEquals(3600, e.wallSeconds().mean(), 1e-9);
            assertEquals(120, e.wallSeconds().std(), 1e-9);
            assertEquals(0, e.collapsedRuns());
        });
    }

    @Test
    void gridRowsStayOutOfTheMainTable() {
        MainTable t = MainTable.from(Fixtures.allRows());
        assertEquals(Fixtures.MAIN_BASE.size() + 1, t.methods().size());
        // SimSiam's main run has one seed although its ablation grid has four more runs
        MainTable.Entry ss = entry(t, "simsiam");
        assertEquals(1, ss.runs());
        assertEquals(0.81, ss.accuracy(KNN_TOP1).mean(), 1e-12);
        assertFalse(ss.accuracy(KNN_TOP1).hasSpread());
        assertTrue(ss.accuracy(SEMI1_TOP1).isEmpty());
    }

    @Test
    void floorRowAveragesEveryRandomInitRowOfTheSetting() {
        MainTable t = MainTable.from(Fixtures.allRows());
        assertEquals(1, t.floors().size());
        MainTable.Entry f = t.floors().get(0);
        // 12 values at 0.30 + {-0.02, 0, 0.02} (four of each) plus SimSiam's 0.30
        assertEquals(13, f.runs());
        assertEquals(3, f.seeds());
        assertEquals(0.30, f.accuracy(KNN_TOP1).mean(), 1e-12);
        assertEquals(Math.sqrt(8 * 0.02 * 0.02 / 12), f.accuracy(KNN_TOP1).std(), 1e-12);
        assertTrue(t.entries().get(0).floor(), "the floor comes first in its setting");
    }

    @Test
    void floorRowCarriesTheRandomInitLinearProbeWhenMeasured() {
        List<ResultRow> rows = new ArrayList<>(Fixtures.allRows());
        MainTable before = MainTable.from(rows);
        assertTrue(before.floors().get(0).accuracy(MainTable.Metric.LINEAR_TOP1).isEmpty());
        rows.add(Fixtures.run("simclr-s0", "", "simclr", Map.of(), 0, 198, 3480, 0.085, false)
                .row("random-init-linear", 0.34, Double.NaN));
        rows.add(Fixtures.run("simclr-s1", "", "simclr", Map.of(), 1, 198, 3480, 0.085, false)
                .row("random-init-linear", 0.36, Double.NaN));
        MainTable t = MainTable.from(rows);
        MainTable.Entry f = t.floors().get(0);
        assertEquals(0.35, f.accuracy(MainTable.Metric.LINEAR_TOP1).mean(), 1e-12);
        assertEquals(0.30, f.accuracy(KNN_TOP1).mean(), 1e-12, "the kNN floor is unchanged");
        // the floor's linear rows never leak into the method's linear column
        assertEquals(entry(before, "simclr").accuracy(MainTable.Metric.LINEAR_TOP1).mean(),
                entry(t, "simclr").accuracy(MainTable.Metric.LINEAR_TOP1).mean(), 1e-12);
    }

    @Test
    void gainOverTheFloorIsPairedBySeed() {
        List<ResultRow> rows = new ArrayList<>();
        // seed 0: method 0.40 over floor 0.30; seed 1: 0.38 over 0.24; seed 2 has no floor row and is left out
        double[][] v = {{0.40, 0.30, 0.50, 0.45}, {0.38, 0.24, 0.47, 0.40}};
        for (int s = 0; s < 2; s++) {
            Fixtures.Run r = Fixtures.run("simclr-s" + s, "", "simclr", Map.of(), s, 198, 3480, 0.085, false);
            rows.add(r.row("knn", v[s][0], Double.NaN));
            rows.add(r.row("random-init-knn", v[s][1], Double.NaN));
            rows.add(r.row("linear", v[s][2], Double.NaN));
            rows.add(r.row("random-init-linear", v[s][3], Double.NaN));
        }
        rows.add(Fixtures.run("simclr-s2", "", "simclr", Map.of(), 2, 198, 3480, 0.085, false).row("knn", 0.90, Double.NaN));
        MainTable.Entry e = entry(MainTable.from(rows), "simclr");
        // doubles from differently ordered sums: compared with a tolerance
        assertEquals(MeanStd.of(0.10, 0.14).std(), e.gain(KNN_TOP1).std(), 1e-12);
        assertEquals(2, e.gain(KNN_TOP1).n());
        assertEquals(MeanStd.of(0.05, 0.07).mean(), e.gain(MainTable.Metric.LINEAR_TOP1).mean(), 1e-12);
        // a difference of means would mix the seeds' spreads: (0.40+0.38+0.90)/3 - 0.27 != the paired 0.12
        assertEquals(0.12, e.gain(KNN_TOP1).mean(), 1e-12);
        ReportTable rt = MainTable.from(rows).toReportTable();
        int col = rt.header().indexOf("kNN gain over floor (points)");
        assertTrue(col > 0, rt.header().toString());
    }

    @Test
    void reEvaluatedRowsReplaceEarlierOnes() {
        List<ResultRow> rows = new ArrayList<>(Fixtures.mainRows());
        Fixtures.Run r = Fixtures.run("simclr-s0", "", "simclr", Map.of(), 0, 198, 3480, 0.085, false);
        rows.add(r.row("knn", 0.90, Double.NaN)); // replaces 0.80
        MainTable.Entry e = entry(MainTable.from(rows), "simclr");
        assertEquals(MeanStd.of(0.90, 0.82, 0.84).mean(), e.accuracy(KNN_TOP1).mean(), 1e-12);
        assertEquals(3, e.accuracy(KNN_TOP1).n());
    }

    @Test
    void renderedTableShowsPaperNumbersWithTheirScale() {
        ReportTable rt = MainTable.from(Fixtures.allRows()).toReportTable();
        assertEquals("82.0 ± 2.0", rt.cell("SimCLR", "kNN top-1 (%)").display());
        assertEquals("81.0", rt.cell("SimSiam", "kNN top-1 (%)").display());
        assertEquals("—", rt.cell("SimSiam", "1% labels top-1 (%)").display());
        assertEquals("30.0 ± 1.6", rt.cell("random init (floor)", "kNN top-1 (%)").display());
        String paper = rt.cell("SimSiam", "Paper: ImageNet R50 linear top-1 (%)").display();
        assertTrue(paper.startsWith("71.3 ["), paper);
        String id = paper.substring(paper.indexOf('[') + 1, paper.indexOf(']'));
        String note = rt.notes().stream().filter(n -> n.startsWith("[" + id + "]")).findFirst().orElseThrow();
        assertTrue(note.contains("ImageNet-1k, ResNet-50, 800 epochs"), note);
        assertTrue(rt.cell("BYOL", "lightly: CIFAR-10 R18 kNN top-1 (%)").display().startsWith("86.9 ["));
        assertEquals("—", rt.cell("random init (floor)", "Paper: ImageNet R50 linear top-1 (%)").display());
        assertEquals("no (std 0.085 vs 1/√d 0.088)", rt.cell("SimCLR", "Collapsed").display());
        assertEquals("3", rt.cell("SimCLR", "Seeds").display());
        assertEquals("60.0 ± 2.0", rt.cell("SimCLR", "Wall time (min)").display());
    }

    @Test
    void partialCollapseIsCounted() {
        List<ResultRow> rows = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Fixtures.Run r = Fixtures.run("byol-" + s, "", "byol", Map.of(), s, 100, 100, s == 0 ? 0.001 : 0.08, s == 0);
            rows.add(r.row("knn", 0.5, Double.NaN));
        }
        ReportTable rt = MainTable.from(rows).toReportTable();
        assertTrue(rt.cell("BYOL", "Collapsed").display().startsWith("1 of 3 runs"));
    }

    @Test
    void emptyStoreGivesAnEmptyTable() {
        MainTable t = MainTable.from(List.of());
        assertTrue(t.entries().isEmpty());
        assertEquals(0, t.toReportTable().rows().size());
    }
}
