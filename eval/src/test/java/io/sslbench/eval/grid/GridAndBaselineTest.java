package io.sslbench.eval.grid;

import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.config.ConfigException;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.ResultRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GridAndBaselineTest {

    @Test
    void gridsExpandToTheCartesianProductOverEveryBase() {
        Grid g = Grid.load("simsiam-ablation");
        assertEquals(4, g.cells().size());
        assertEquals(Map.of("method.stopGradient", true, "method.predictor", true), g.cells().get(0).values());
        assertEquals(7, Grid.load("methods").cells().size());
        assertEquals(List.of(0L, 1L), Grid.load("methods").seeds());
    }

    @Test
    void aSuiteRunsPartOfAGridByNamingItsAxisValuesAndTyposAreRefused(@TempDir Path dir) throws Exception {
        Grid cut = Grid.load("moco-momentum").restrict(Map.of("method.momentum", List.of(0.0, 0.99)));
        assertEquals(List.of(0.0, 0.99), cut.cells().stream().map(c -> ((Number) c.values().get("method.momentum")).doubleValue()).toList());
        Suite s = Suite.load(writeSuite(dir, "name: s\ngrids:\n  - {grid: moco-momentum, seeds: [0], axes: {method.momentum: [0.9]}}\n"));
        List<SuiteRunner.Job> jobs = SuiteRunner.plan(s);
        assertEquals(1, jobs.size());
        assertEquals(0.9, ((Number) jobs.get(0).config().method().get("momentum")).doubleValue());
        ConfigException noAxis = assertThrows(ConfigException.class,
                () -> Grid.load("moco-momentum").restrict(Map.of("method.momentun", List.of(0.9))));
        assertTrue(noAxis.getMessage().contains("method.momentun"), noAxis.getMessage());
        ConfigException noValue = assertThrows(ConfigException.class,
                () -> Grid.load("moco-momentum").restrict(Map.of("method.momentum", List.of(0.95))));
        assertTrue(noValue.getMessage().contains("0.95"), noValue.getMessage());
    }

    @Test
    void suitePlansEveryCellAtItsScaleAndAxesWinOverTheSuite() {
        Suite quick = Suite.load("quick");
        List<SuiteRunner.Job> jobs = SuiteRunner.plan(quick);
        assertEquals(14 + 2 + 3 + 2 + 2, jobs.size());
        for (SuiteRunner.Job j : jobs) {
            assertEquals("small-imagenet", j.config().backbone());
            assertEquals(10000, j.config().data().subset(), "suite scale");
            assertEquals(10000, j.config().data().evalSubset(), "suite scale");
            assertEquals(List.of("knn", "linear-lbfgs", "random-init-knn", "random-init-linear-lbfgs"), j.protocols());
            // per-method steps: the slow learners train longer, in the methods grid and in their ablations alike
            int epochs = switch (j.config().methodName()) {
                case "moco-v1", "moco-v2" -> 9;
                case "simsiam" -> 6;
                case "byol", "swav" -> 18;
                default -> 3;
            };
            assertEquals(epochs, j.config().epochs(), j.grid() + " " + j.config().methodName());
        }
        SuiteRunner.Job noSg = jobs.stream().filter(j -> j.grid().equals("simsiam-stopgrad")
                && Boolean.FALSE.equals(j.cell().values().get("method.stopGradient"))).findFirst().orElseThrow();
        assertEquals(false, noSg.config().method().get("stopGradient"));
        assertEquals(512, ((Number) noSg.config().method().get("dim")).intValue(), "per-method scale applied");
        SuiteRunner.Job m0 = jobs.stream().filter(j -> j.grid().equals("moco-momentum")
                && ((Number) j.cell().values().get("method.momentum")).doubleValue() == 0.0).findFirst().orElseThrow();
        assertEquals(0.0, ((Number) m0.config().method().get("momentum")).doubleValue(), "the axis wins over the per-method 0.99");
        // each ablation's default cell is the methods grid's configuration: trained once, re-labelled
        for (String grid : List.of("simclr-head", "moco-momentum", "simsiam-stopgrad")) {
            long shared = jobs.stream().filter(j -> j.grid().equals(grid)).filter(j -> jobs.stream()
                    .anyMatch(o -> o.grid().equals("methods") && RunIdentity.hash(o.config()).equals(RunIdentity.hash(j.config())))).count();
            assertEquals(1, shared, grid + ": its default cell is a methods-grid run");
        }
        // cells differ by axes, seeds share the cell id
        SuiteRunner.Job simclr0 = jobs.get(0);
        SuiteRunner.Job simclr1 = jobs.stream().filter(j -> j.grid().equals("methods") && j.config().seed() == 1
                && j.config().methodName().equals("simclr")).findFirst().orElseThrow();
        assertEquals(simclr0.cellId(), simclr1.cellId());
        assertNotEquals(RunIdentity.hash(simclr0.config()), RunIdentity.hash(simclr1.config()));
    }

    @Test
    void suiteRowsAreThoseOfTheCellsItPlansNowNotOfEditedOrDroppedOnes() {
        Suite quick = Suite.load("quick");
        SuiteRunner.Job swav = SuiteRunner.plan(quick).stream()
                .filter(j -> j.grid().equals("methods") && j.config().methodName().equals("swav")).findFirst().orElseThrow();
        Provenance now = new Provenance(RunIdentity.hash(swav.config()), "c", false, 0, "d", "cpu", "17", "m2.1", "linux", "amd64", "t");
        Provenance before = new Provenance("0123456789abcdef", "c", false, 0, "d", "cpu", "17", "m2.1", "linux", "amd64", "t");
        ResultRow current = new ResultRow("run", "quick", "methods", swav.cellId(), "swav", Map.of(), "knn",
                Map.of("top1", 0.3), "small-cifar", "cifar10", 2, 100, 10, 1, 0.05, 128, false, now);
        // the same method and grid, but a config the suite no longer plans (its settings were edited since)
        ResultRow stale = new ResultRow("old", "quick", "methods", "old-cell", "swav", Map.of(), "knn",
                Map.of("top1", 0.2), "small-cifar", "cifar10", 2, 100, 10, 1, 0.05, 128, false, before);
        ResultRow otherGrid = new ResultRow("run", "quick", "no-such-grid", swav.cellId(), "swav", Map.of(), "knn",
                Map.of("top1", 0.3), "small-cifar", "cifar10", 2, 100, 10, 1, 0.05, 128, false, now);
        ResultRow otherSuite = new ResultRow("run", "demo", "methods", swav.cellId(), "swav", Map.of(), "knn",
                Map.of("top1", 0.3), "small-cifar", "cifar10", 2, 100, 10, 1, 0.05, 128, false, now);
        assertEquals(List.of(current), quick.rowsOf(List.of(stale, current, otherGrid, otherSuite)));
    }

    @Test
    void suiteFileErrorsNameTheKey(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nfineTuneEpochs: -1\ngrids: [methods]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Suite.load(bad.toString()));
        assertTrue(e.getMessage().contains("fineTuneEpochs"), e.getMessage());
        Files.writeString(bad, "name: bad\nfineTuneEpochs: many\ngrids: [methods]\n");
        e = assertThrows(ConfigException.class, () -> Suite.load(bad.toString()));
        assertTrue(e.getMessage().contains("fineTuneEpochs") && e.getMessage().contains("many"), e.getMessage());
        Suite ok = Suite.load(writeSuite(dir, "name: ok\ngrids: [methods]\n"));
        assertEquals(0, ok.fineTuneEpochs(), "0 = SimCLR's epochs");
        assertEquals(ok.protocols(), ok.protocolsOf(ok.grids().get(0)));
    }

    private static String writeSuite(Path dir, String text) throws Exception {
        Path f = dir.resolve("ok.yaml");
        Files.writeString(f, text);
        return f.toString();
    }

    static ResultRow row(String grid, String method, String protocol, double top1, Map<String, String> axes,
                         boolean collapsed) {
        Provenance p = new Provenance("h" + method + top1, "c", false, 0, "d", "cpu", "17", "m2.1", "linux", "amd64", "t");
        return new ResultRow("run-" + method, "quick", grid, "cell", method, axes, protocol, Map.of("top1", top1),
                "small-cifar", "cifar10", 2, 100, 10, 1, collapsed ? 0.001 : 0.05, 128, collapsed, p);
    }

    /** A row of run {@code runId} (seed 0). */
    static ResultRow row(String runId, String grid, String method, String protocol, double top1, Map<String, String> axes) {
        Provenance p = new Provenance("h" + runId, "c", false, 0, "d", "cpu", "17", "m2.1", "linux", "amd64", "t");
        return new ResultRow(runId, "quick", grid, "cell", method, axes, protocol, Map.of("top1", top1),
                "small-cifar", "cifar10", 2, 100, 10, 1, 0.05, 128, false, p);
    }

    /** {@code r} flagged collapsed by its run's verdict. */
    static ResultRow flagged(ResultRow r) {
        return new ResultRow(r.runId(), r.suite(), r.grid(), r.cell(), r.method(), r.axes(), r.protocol(), r.metrics(),
                r.backbone(), r.dataset(), r.epochs(), r.imgPerSec(), r.wallSeconds(), r.peakRssBytes(), r.collapseStd(),
                r.embeddingDim(), true, r.provenance());
    }

    /** The methods grid's rows of one run: kNN, linear and the run's random-init floors (kNN 0.30, linear 0.35). */
    static List<ResultRow> run(String runId, String method, double knn, double linear) {
        return List.of(row(runId, "methods", method, "knn", knn, Map.of()), row(runId, "methods", method, "linear-lbfgs", linear, Map.of()),
                row(runId, "methods", method, "random-init-knn", 0.30, Map.of()),
                row(runId, "methods", method, "random-init-linear-lbfgs", 0.35, Map.of()));
    }

    static List<ResultRow> healthy(double simclr) {
        List<ResultRow> rows = new ArrayList<>();
        rows.addAll(run("run-simclr", "simclr", simclr, simclr + 0.05));
        rows.addAll(run("run-simclr-1", "simclr", simclr + 0.01, simclr + 0.06));
        rows.addAll(run("run-byol", "byol", 0.40, 0.45));
        rows.add(row("simsiam-ablation", "simsiam", "knn", 0.2,
                Map.of("method.stopGradient", "false", "method.predictor", "true"), true));
        rows.add(row("simsiam-ablation", "simsiam", "knn", 0.3,
                Map.of("method.stopGradient", "true", "method.predictor", "true"), false));
        return rows;
    }

    @Test
    void baselineUpdateRecordsWhyAndTheCheckPassesOnItsOwnRows(@TempDir Path dir) {
        Path f = dir.resolve("quick.json");
        assertThrows(IllegalArgumentException.class, () -> Baselines.update(f, "quick", healthy(0.5), " ", "abc"));
        Baselines.File b = Baselines.update(f, "quick", healthy(0.5), "initial", "abc");
        assertEquals(0.505, b.methods().get("simclr").mean(), 1e-12);
        assertEquals(2, b.methods().get("simclr").n());
        Baselines.update(f, "quick", healthy(0.5), "re-measured", "def");
        Baselines.File again = Baselines.read(f);
        assertEquals(List.of("initial", "re-measured"), again.history().stream().map(Baselines.Change::reason).toList());
        assertEquals(List.of(), Baselines.check(again, healthy(0.5)));
        assertEquals(List.of(), Baselines.check(again, healthy(0.49)), "within the 0.02 floor");
    }

    @Test
    void regressionMissingMethodAndUnflaggedCollapseFailWithNamedMessages(@TempDir Path dir) {
        Baselines.File b = Baselines.update(dir.resolve("q.json"), "quick", healthy(0.5), "initial", "abc");
        List<String> f = Baselines.check(b, healthy(0.40));
        assertEquals(2, f.size(), f.toString());
        assertTrue(f.get(0).contains("simclr") && f.get(0).contains("0.4050") && f.get(0).contains("0.5050"), f.get(0));
        assertTrue(f.get(1).startsWith("REGRESSION simclr: linear-lbfgs top1 = 0.4550"), f.get(1));

        List<ResultRow> noByol = new ArrayList<>(healthy(0.5));
        noByol.removeIf(r -> r.method().equals("byol"));
        assertTrue(Baselines.check(b, noByol).get(0).startsWith("byol: no knn top1"));
        assertTrue(Baselines.check(b, noByol).stream().anyMatch(m -> m.startsWith("NO POWER CHECK byol")),
                "without its random-init rows a method cannot show the gate would reject it");

        List<ResultRow> unflagged = new ArrayList<>(healthy(0.5));
        unflagged.set(3, row("simsiam-ablation", "simsiam", "knn", 0.2,
                Map.of("method.stopGradient", "false", "method.predictor", "true"), false));
        assertTrue(Baselines.check(b, unflagged).get(0).startsWith("COLLAPSE NOT FLAGGED"));
        // the gate reads the run's verdict (Collapse.Verdict: std or degenerate-loss rule), not the std alone
        List<ResultRow> flagged = new ArrayList<>(healthy(0.5));
        flagged.set(3, new ResultRow("r", "quick", "simsiam-stopgrad", "c", "simsiam", Map.of("method.stopGradient", "false"),
                "knn", Map.of("top1", 0.2), "small-cifar", "cifar10", 8, 1, 1, 1, 0.3 / Math.sqrt(128), 128, true,
                unflagged.get(0).provenance()));
        flagged.add(row("simsiam-stopgrad", "simsiam", "knn", 0.3, Map.of("method.stopGradient", "true"), false));
        assertEquals(List.of(), Baselines.check(b, flagged));
        List<ResultRow> lowStdOnly = new ArrayList<>(flagged);
        ResultRow f3 = flagged.get(3);
        lowStdOnly.set(3, new ResultRow(f3.runId(), f3.suite(), f3.grid(), f3.cell(), f3.method(), f3.axes(), f3.protocol(),
                f3.metrics(), f3.backbone(), f3.dataset(), f3.epochs(), 1, 1, 1, f3.collapseStd(), 128, false, f3.provenance()));
        assertTrue(Baselines.check(b, lowStdOnly).get(0).contains("simsiam-stopgrad"), Baselines.check(b, lowStdOnly).toString());
        List<ResultRow> bothDown = new ArrayList<>(healthy(0.5));
        bothDown.set(4, row("simsiam-ablation", "simsiam", "knn", 0.3,
                Map.of("method.stopGradient", "true", "method.predictor", "true"), true));
        assertTrue(Baselines.check(b, bothDown).get(0).contains("WITH stop-gradient"), Baselines.check(b, bothDown).toString());
        // SwAV's epsilon ablation: 0.3 must be flagged (uniform codes), 0.03/0.05 must not
        List<ResultRow> swav = new ArrayList<>(healthy(0.5));
        swav.add(row("swav-epsilon", "swav", "knn", 0.26, Map.of("method.epsilon", "0.03"), false));
        swav.add(row("swav-epsilon", "swav", "knn", 0.25, Map.of("method.epsilon", "0.05"), false));
        swav.add(row("swav-epsilon", "swav", "knn", 0.25, Map.of("method.epsilon", "0.3"), true));
        assertEquals(List.of(), Baselines.check(b, swav));
        List<ResultRow> swavUnflagged = new ArrayList<>(swav);
        swavUnflagged.set(swav.size() - 1, row("swav-epsilon", "swav", "knn", 0.25, Map.of("method.epsilon", "0.3"), false));
        List<String> unflaggedSwav = Baselines.check(b, swavUnflagged);
        assertEquals(1, unflaggedSwav.size(), unflaggedSwav.toString());
        assertTrue(unflaggedSwav.get(0).startsWith("COLLAPSE NOT FLAGGED: swav with epsilon >= 0.3"), unflaggedSwav.get(0));
        List<ResultRow> swavHealthyFlagged = new ArrayList<>(swav);
        swavHealthyFlagged.set(swav.size() - 2, row("swav-epsilon", "swav", "knn", 0.25, Map.of("method.epsilon", "0.05"), true));
        assertTrue(Baselines.check(b, swavHealthyFlagged).get(0).startsWith("swav with epsilon <= 0.05"),
                Baselines.check(b, swavHealthyFlagged).toString());
        List<ResultRow> swavNoHighEps = new ArrayList<>(swav.subList(0, swav.size() - 1));
        assertEquals(List.of("the swav-epsilon ablation ran without a cell of swav with epsilon >= 0.3"),
                Baselines.check(b, swavNoHighEps));
        // MoCo's momentum ablation: 0 must be flagged (its trajectory collapses), 0.99 must not, 0.9 is outside the gate
        List<ResultRow> moco = new ArrayList<>(healthy(0.5));
        moco.add(row("moco-momentum", "moco-v2", "knn", 0.40, Map.of("method.momentum", "0.99"), false));
        moco.add(row("moco-momentum", "moco-v2", "knn", 0.35, Map.of("method.momentum", "0.9"), true));
        moco.add(row("moco-momentum", "moco-v2", "knn", 0.31, Map.of("method.momentum", "0.0"), true));
        assertEquals(List.of(), Baselines.check(b, moco));
        List<ResultRow> mocoUnflagged = new ArrayList<>(moco);
        mocoUnflagged.set(moco.size() - 1, row("moco-momentum", "moco-v2", "knn", 0.31, Map.of("method.momentum", "0.0"), false));
        assertEquals(1, Baselines.check(b, mocoUnflagged).size(), Baselines.check(b, mocoUnflagged).toString());
        assertTrue(Baselines.check(b, mocoUnflagged).get(0).startsWith("COLLAPSE NOT FLAGGED: moco-v2 with momentum 0"),
                Baselines.check(b, mocoUnflagged).toString());
        List<ResultRow> mocoHealthyFlagged = new ArrayList<>(moco);
        mocoHealthyFlagged.set(moco.size() - 3, row("moco-momentum", "moco-v2", "knn", 0.40, Map.of("method.momentum", "0.99"), true));
        assertTrue(Baselines.check(b, mocoHealthyFlagged).get(0).startsWith("moco-v2 with momentum >= 0.99"),
                Baselines.check(b, mocoHealthyFlagged).toString());
        // a run judged once, however many protocol rows it has
        ResultRow flaggedKnn = mocoHealthyFlagged.get(moco.size() - 3);
        List<ResultRow> twoRows = new ArrayList<>(mocoHealthyFlagged);
        twoRows.add(new ResultRow(flaggedKnn.runId(), flaggedKnn.suite(), flaggedKnn.grid(), flaggedKnn.cell(),
                flaggedKnn.method(), flaggedKnn.axes(), "linear-lbfgs", flaggedKnn.metrics(), flaggedKnn.backbone(),
                flaggedKnn.dataset(), flaggedKnn.epochs(), flaggedKnn.imgPerSec(), flaggedKnn.wallSeconds(),
                flaggedKnn.peakRssBytes(), flaggedKnn.collapseStd(), flaggedKnn.embeddingDim(), flaggedKnn.collapsed(),
                flaggedKnn.provenance()));
        assertEquals(Baselines.check(b, mocoHealthyFlagged).size(), Baselines.check(b, twoRows).size(),
                "one message per run, not per protocol row");
        // exact: with no spread the tolerance is MIN_TOLERANCE itself, the constant Math.max returns (no arithmetic)
        assertEquals(0.02, Baselines.tolerance(new Baselines.Entry(0.5, 0, 2), new Baselines.Entry(0.5, 0, 2), 0), 0);
        assertEquals(3 * Math.sqrt(0.02 * 0.02 / 2 * 2), Baselines.tolerance(new Baselines.Entry(0.5, 0.02, 2),
                new Baselines.Entry(0.5, 0.02, 2), 0), 1e-12);
    }

    @Test
    void theGateRejectsTheRandomInitRowsAsEveryMethodAndFailsWhenItWouldNot(@TempDir Path dir) {
        Baselines.File b = Baselines.update(dir.resolve("q.json"), "quick", healthy(0.5), "initial", "abc", 0.01);
        assertEquals(0.01, b.seedStd());
        assertEquals(0.555, b.linear().get("simclr").mean(), 1e-12);
        // a run stored twice (rerun into the same store) counts once, with its latest row
        List<ResultRow> twice = new ArrayList<>(healthy(0.5));
        twice.add(row("run-simclr", "methods", "simclr", "knn", 0.52, Map.of()));
        Baselines.Entry e = Baselines.measure(twice).get("simclr");
        assertEquals(2, e.n());
        assertEquals(0.515, e.mean(), 1e-12); // differently ordered double sums: compared with a tolerance
        assertEquals(Math.sqrt(2 * 0.005 * 0.005), e.std(), 1e-12);
        assertEquals(List.of(), Baselines.check(b, healthy(0.5)));
        List<String> explained = Baselines.explain(b, healthy(0.5));
        for (String m : List.of("simclr", "byol")) {
            for (String p : List.of("knn", "linear-lbfgs")) {
                assertTrue(explained.stream().anyMatch(l -> l.contains("as " + m) && l.contains(p) && l.contains("rejected")),
                        m + " " + p + ": " + explained);
            }
        }
        // a tolerance wide enough to pass an untrained encoder is itself a failure: a seed std of 0.1 gives 3*0.1 = 0.3
        Baselines.File loose = Baselines.update(dir.resolve("q.json"), "quick", healthy(0.5), "too noisy", "abc", 0.1);
        List<String> f = Baselines.check(loose, healthy(0.5));
        assertTrue(f.stream().anyMatch(m -> m.startsWith("GATE WITHOUT POWER byol") && m.contains("random-init knn 0.3000")),
                f.toString());
        // the update keeps the measured seed std unless given a new one
        assertEquals(0.1, Baselines.update(dir.resolve("q.json"), "quick", healthy(0.5), "again", "abc").seedStd());
    }

    @Test
    void aRunThatDidNotLeaveItsFloorFailsAndLinearRegressionsAreCaught(@TempDir Path dir) {
        Baselines.File b = Baselines.update(dir.resolve("q.json"), "quick", healthy(0.5), "initial", "abc", 0.01);
        List<ResultRow> flat = new ArrayList<>(healthy(0.5));
        flat.addAll(run("run-byol-1", "byol", 0.31, 0.45)); // one seed 1 point above its floor
        List<String> f = Baselines.check(b, flat);
        assertTrue(f.stream().anyMatch(m -> m.startsWith("NOT LEARNING byol (run run-byol-1") && m.contains("+0.0100")), f.toString());
        List<ResultRow> linearDown = new ArrayList<>(healthy(0.5));
        linearDown.replaceAll(r -> r.method().equals("byol") && r.protocol().equals("linear-lbfgs")
                ? row(r.runId(), "methods", "byol", "linear-lbfgs", 0.38, Map.of()) : r);
        List<String> g = Baselines.check(b, linearDown);
        assertEquals(1, g.size(), g.toString());
        assertTrue(g.get(0).startsWith("REGRESSION byol: linear-lbfgs top1 = 0.3800"), g.get(0));
    }

    @Test
    void ablationDirectionsAreAssertedOnTheKnnMeansAndMissingCellsFail(@TempDir Path dir) {
        Baselines.File b = Baselines.update(dir.resolve("q.json"), "quick", healthy(0.5), "initial", "abc", 0.01);
        List<ResultRow> rows = new ArrayList<>(healthy(0.5));
        rows.add(row("m99", "moco-momentum", "moco-v2", "knn", 0.40, Map.of("method.momentum", "0.99")));
        rows.add(row("m9", "moco-momentum", "moco-v2", "knn", 0.37, Map.of("method.momentum", "0.9")));
        rows.add(flagged(row("m0", "moco-momentum", "moco-v2", "knn", 0.31, Map.of("method.momentum", "0.0"))));
        assertEquals(List.of(), Baselines.check(b, rows));
        assertTrue(Baselines.explain(b, rows).contains("direction moco-v2 method.momentum (MoCo Sec. 4.1): "
                + "0.99 0.4000 (n=1) > 0.9 0.3700 (n=1) > 0.0 0.3100 (n=1)"), Baselines.explain(b, rows).toString());
        List<ResultRow> swapped = new ArrayList<>(rows);
        swapped.set(swapped.size() - 2, row("m9", "moco-momentum", "moco-v2", "knn", 0.41, Map.of("method.momentum", "0.9")));
        List<String> f = Baselines.check(b, swapped);
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).startsWith("DIRECTION moco-v2 method.momentum: method.momentum = 0.99 should beat 0.9"), f.get(0));
        // SimCLR Fig. 5: crop then colour beats crop alone (the aug.second axis of cells whose first is crop)
        List<ResultRow> aug = new ArrayList<>(rows);
        aug.add(row("a1", "simclr-augment", "simclr", "knn", 0.37, Map.of("aug.first", "crop", "aug.second", "color")));
        aug.add(row("a2", "simclr-augment", "simclr", "knn", 0.31, Map.of("aug.first", "crop", "aug.second", "crop")));
        assertEquals(List.of(), Baselines.check(b, aug));
        aug.set(aug.size() - 1, row("a2", "simclr-augment", "simclr", "knn", 0.38, Map.of("aug.first", "crop", "aug.second", "crop")));
        assertTrue(Baselines.check(b, aug).get(0).startsWith("DIRECTION simclr aug.second: aug.second = color should beat crop"),
                Baselines.check(b, aug).toString());
        List<ResultRow> missing = new ArrayList<>(rows.subList(0, rows.size() - 1));
        // both the collapse gate and the direction need the momentum-0 cell
        assertEquals(List.of("the moco-momentum ablation ran without a cell of moco-v2 with momentum 0",
                        "DIRECTION moco-v2 method.momentum: the moco-momentum grid ran without its method.momentum = 0.0 cell"),
                Baselines.check(b, missing));
    }
}
