package io.sslbench.eval.grid;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.sslbench.core.results.ResultRow;
import io.sslbench.reports.ResultsFrame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recorded baselines of a suite and the regression gate against them.
 *
 * <p>A baseline file ({@code eval/baselines/<suite>.json}) holds, per method of the {@code methods} grid, the kNN
 * top-1 mean, its seed std and n ({@code methods}), the same for the linear probe ({@code linear}), the seed-to-seed
 * standard deviation measured for the suite ({@code seedStd}, pooled over methods and over more seeds than the gate
 * runs; see README, "The regression gate") and a history of why they changed. It is only written by
 * {@code sslbench baseline update --reason ...}.
 *
 * <p>The gate ({@link #check}) fails the build on any of:
 * <ul>
 *   <li><b>regression</b>: a method's mean below {@code baseline - tolerance} (kNN and linear), with
 *       {@code tolerance = max(MIN_TOLERANCE, Z·sqrt(s_b²/n_b + s_m²/n_m))}, each {@code s} the larger of the seed std
 *       of its n runs and the suite's measured {@code seedStd} (two seeds alone underestimate the spread);</li>
 *   <li><b>no learning</b>: a run of the methods grid less than {@link #MIN_GAIN_KNN} above the kNN of its own
 *       random-init encoder (same seed, same data), whatever the baseline says;</li>
 *   <li><b>no power</b>: the random-init rows of a method, checked against that method's baseline as if they were the
 *       method, must be rejected by the regression rule; a gate whose tolerance would let an untrained encoder
 *       pass is itself a failure ({@link #power} prints each rejection);</li>
 *   <li><b>collapse</b> (a grid file's {@code gate.collapse}, see {@link GridGate}): the cells that collapse in the
 *       papers must be flagged collapsed by their run's {@code Collapse.Verdict}, their healthy twins must not;</li>
 *   <li><b>direction</b> (a grid file's {@code gate.direction}): the ablation orderings the papers report and that are
 *       robust at the suite's scale (measured, README) must hold for the kNN means over seeds.</li>
 * </ul>
 */
public final class Baselines {
    private Baselines() {}

    /** Smallest tolerance: float results differ between CPU kernels (AVX2 / AVX-512), and two seeds say little. */
    public static final double MIN_TOLERANCE = 0.02;
    /** Standard errors of the difference of two means a regression must exceed (one-sided ~0.1% under normality). */
    public static final double Z = 3.0;
    /** Every methods-grid run must beat the kNN of its own random-init encoder by this much (top-1, absolute). */
    public static final double MIN_GAIN_KNN = 0.03;
    public static final String GRID = "methods";
    public static final String PROTOCOL = "knn";
    /** The gated linear protocol: the L-BFGS probe (seconds a run; the official SGD protocol is reported, not gated). */
    public static final String LINEAR = "linear-lbfgs";
    public static final String METRIC = "top1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** One method's baseline. */
    public record Entry(double mean, double std, int n) {
    }

    /** Why a baseline changed. */
    public record Change(String date, String commit, String reason) {
    }

    /**
     * A suite's baselines.
     *
     * @param methods kNN top-1 per method
     * @param linear  linear-probe top-1 per method (null in files from before it was gated: not checked)
     * @param seedStd the suite's measured seed-to-seed std of a run's kNN top-1 (0 = unknown: the runs' own std)
     */
    public record File(String suite, String protocol, String metric, Map<String, Entry> methods, Map<String, Entry> linear,
                       double seedStd, List<Change> history) {
    }

    /** Per-method mean, sample std and n of the kNN metric over seeds (rows of the methods grid). */
    public static Map<String, Entry> measure(List<ResultRow> rows) {
        return measure(rows, PROTOCOL);
    }

    /**
     * Per-method mean, sample std and n of {@code protocol}'s top-1 over runs (rows of the methods grid; a run evaluated
     * twice, e.g. rerun into the same store, counts once, with its latest row).
     */
    public static Map<String, Entry> measure(List<ResultRow> rows, String protocol) {
        Map<String, List<Double>> by = new TreeMap<>();
        for (ResultRow r : ResultsFrame.dedupe(rows)) {
            if (GRID.equals(r.grid()) && protocol.equals(r.protocol()) && !Double.isNaN(r.metric(METRIC))) {
                by.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r.metric(METRIC));
            }
        }
        Map<String, Entry> out = new TreeMap<>();
        by.forEach((m, v) -> out.put(m, stats(v)));
        return out;
    }

    static Entry stats(List<Double> v) {
        double mean = v.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
        double ss = v.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum();
        return new Entry(mean, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0.0, v.size());
    }

    /** @return {@code max(MIN_TOLERANCE, Z·sqrt(s_b²/n_b + s_m²/n_m))}, each s at least {@code seedStd} */
    public static double tolerance(Entry base, Entry measured, double seedStd) {
        double sb = Math.max(base.std(), seedStd), sm = Math.max(measured.std(), seedStd);
        double se2 = sb * sb / Math.max(1, base.n()) + sm * sm / Math.max(1, measured.n());
        return Math.max(MIN_TOLERANCE, Z * Math.sqrt(se2));
    }

    /** @return one message per failure (empty: no regression, every method learned, the gate has power) */
    public static List<String> check(File baseline, List<ResultRow> rows) {
        List<String> failures = new ArrayList<>();
        regressions(baseline, baseline.methods(), measure(rows, PROTOCOL), PROTOCOL, failures);
        if (baseline.linear() != null) {
            regressions(baseline, baseline.linear(), measure(rows, LINEAR), LINEAR, failures);
        }
        learned(rows, failures);
        power(baseline, rows, failures, null);
        for (GridGate g : GridGate.forRows(rows)) {
            g.collapse().ifPresent(c -> c.check(rows, failures));
            g.direction().ifPresent(d -> d.check(rows, failures, null));
        }
        return failures;
    }

    /** @return what the gate checked, one line each, the rejected random-init rows included (printed by the build) */
    public static List<String> explain(File baseline, List<ResultRow> rows) {
        List<String> lines = new ArrayList<>();
        power(baseline, rows, new ArrayList<>(), lines);
        for (GridGate g : GridGate.forRows(rows)) {
            g.direction().ifPresent(d -> d.check(rows, new ArrayList<>(), lines));
        }
        return lines;
    }

    private static void regressions(File baseline, Map<String, Entry> base, Map<String, Entry> now, String protocol,
                                    List<String> failures) {
        base.forEach((method, b) -> {
            Entry m = now.get(method);
            if (m == null) {
                failures.add(String.format(Locale.ROOT, "%s: no %s %s result in suite '%s' (baseline %.4f)", method,
                        protocol, METRIC, baseline.suite(), b.mean()));
                return;
            }
            double tol = tolerance(b, m, baseline.seedStd());
            if (m.mean() < b.mean() - tol) {
                failures.add(String.format(Locale.ROOT,
                        "REGRESSION %s: %s %s = %.4f (n=%d) < baseline %.4f - tolerance %.4f (suite %s)", method, protocol,
                        METRIC, m.mean(), m.n(), b.mean(), tol, baseline.suite()));
            }
        });
    }

    /** Each methods-grid run against its own random-init encoder (the floor row of the same run: same seed, data). */
    private static void learned(List<ResultRow> rows, List<String> failures) {
        Map<String, Double> floor = new TreeMap<>();
        for (ResultRow r : rows) {
            if (GRID.equals(r.grid()) && ("random-init-" + PROTOCOL).equals(r.protocol())) {
                floor.put(r.runId(), r.metric(METRIC));
            }
        }
        for (ResultRow r : rows) {
            if (GRID.equals(r.grid()) && PROTOCOL.equals(r.protocol())) {
                Double f = floor.get(r.runId());
                if (f != null && !(r.metric(METRIC) - f >= MIN_GAIN_KNN)) {
                    failures.add(String.format(Locale.ROOT, "NOT LEARNING %s (run %s, seed %d): kNN %s %.4f is %+.4f over its "
                                    + "random-init encoder's %.4f (required: +%.2f)", r.method(), r.runId(),
                            r.provenance().seed(), METRIC, r.metric(METRIC), r.metric(METRIC) - f, f, MIN_GAIN_KNN));
                }
            }
        }
    }

    /**
     * The gate's self-test: every method's random-init rows (kNN, and linear where gated), checked against that
     * method's baseline as if they were the method, must be rejected as a regression. A method without random-init
     * rows cannot prove the gate's power and fails too.
     *
     * @param lines where to write one line per rejection (null: none)
     */
    static void power(File baseline, List<ResultRow> rows, List<String> failures, List<String> lines) {
        Map<String, Map<String, Entry>> gated = new LinkedHashMap<>();
        gated.put(PROTOCOL, baseline.methods());
        if (baseline.linear() != null) {
            gated.put(LINEAR, baseline.linear());
        }
        gated.forEach((protocol, base) -> {
            Map<String, Entry> floors = measure(rows, "random-init-" + protocol);
            base.forEach((method, b) -> {
                Entry f = floors.get(method);
                if (f == null) {
                    failures.add(String.format(Locale.ROOT, "NO POWER CHECK %s: no random-init-%s rows in the methods grid, "
                            + "so the gate cannot show it would reject an untrained encoder", method, protocol));
                    return;
                }
                double tol = tolerance(b, f, baseline.seedStd());
                boolean rejected = f.mean() < b.mean() - tol;
                if (!rejected) {
                    failures.add(String.format(Locale.ROOT, "GATE WITHOUT POWER %s: its untrained encoder (random-init %s "
                                    + "%.4f, n=%d) would pass as %s (baseline %.4f - tolerance %.4f)", method, protocol,
                            f.mean(), f.n(), method, b.mean(), tol));
                } else if (lines != null) {
                    lines.add(String.format(Locale.ROOT, "gate power: random-init encoder as %-9s %-6s %.4f < %.4f - %.4f: "
                            + "rejected as a regression", method, protocol, f.mean(), b.mean(), tol));
                }
            });
        });
    }

    /**
     * An ablation whose collapsing cells the run verdicts must flag, and whose healthy cells they must not (declared in
     * the grid's file, {@link GridGate}).
     *
     * @param method    method id
     * @param grid      the ablation grid's name (its rows are judged)
     * @param collapsed the cells that collapse ({@link GridGate#matches})
     * @param healthy   the cells that must not be flagged
     * @param except    cells outside the gate (empty: none)
     * @param what      the collapsing setting, for messages
     * @param healthyWhat the healthy setting, for messages
     */
    record CollapseGate(String method, String grid, Map<String, String> collapsed, Map<String, String> healthy,
                        Map<String, String> except, String what, String healthyWhat) {
        /** @return TRUE for a cell that must be flagged, FALSE for one that must not, null outside the gate */
        Boolean expected(ResultRow r) {
            if (!method.equals(r.method()) || !grid.equals(r.grid())
                    || (!except.isEmpty() && GridGate.matches(except, r.axes()))) {
                return null;
            }
            return GridGate.matches(collapsed, r.axes()) ? Boolean.TRUE
                    : GridGate.matches(healthy, r.axes()) ? Boolean.FALSE : null;
        }

        void check(List<ResultRow> rows, List<String> failures) {
            boolean sawCollapsing = false;
            Set<String> runsSeen = new HashSet<>(); // a run has a row per protocol: judge it once
            for (ResultRow r : rows) {
                Boolean expected = expected(r);
                if (expected == null || !runsSeen.add(r.grid() + "|" + r.runId() + "|" + r.axes())) {
                    continue;
                }
                if (expected) {
                    sawCollapsing = true;
                    if (!r.collapsed()) {
                        failures.add(String.format(Locale.ROOT,
                                "COLLAPSE NOT FLAGGED: %s %s (run %s, grid %s): output std %.4f (1/sqrt(d) = %.4f) and no "
                                        + "other collapse rule (Collapse.Verdict) fired", method, what, r.runId(), r.grid(),
                                r.collapseStd(), 1 / Math.sqrt(Math.max(1, r.embeddingDim()))));
                    }
                } else if (r.collapsed()) {
                    failures.add(String.format(Locale.ROOT, "%s %s (run %s, grid %s) is flagged collapsed too: output std %.4f",
                            method, healthyWhat, r.runId(), r.grid(), r.collapseStd()));
                }
            }
            if (!sawCollapsing && rows.stream().anyMatch(r -> r.grid().equals(grid))) {
                failures.add("the " + grid + " ablation ran without a cell of " + method + " " + what);
            }
        }
    }

    /**
     * An ablation ordering: along {@code axis} of the {@code grid} rows of {@code method}, the kNN top-1 mean over seeds
     * must fall strictly in the order of {@code bestFirst}. A cell of the order that did not run is a failure when the
     * grid ran at all (the suite must run what its gate asserts).
     */
    record DirectionGate(String method, String grid, String axis, List<String> bestFirst, String source) {
        void check(List<ResultRow> rows, List<String> failures, List<String> lines) {
            if (rows.stream().noneMatch(r -> r.grid().equals(grid))) {
                return;
            }
            Map<String, List<Double>> by = new TreeMap<>();
            for (ResultRow r : rows) {
                if (r.grid().equals(grid) && r.method().equals(method) && PROTOCOL.equals(r.protocol())
                        && r.axes().containsKey(axis)) {
                    by.computeIfAbsent(canonical(r.axes().get(axis)), k -> new ArrayList<>()).add(r.metric(METRIC));
                }
            }
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < bestFirst.size(); i++) {
                List<Double> v = by.get(canonical(bestFirst.get(i)));
                if (v == null) {
                    failures.add("DIRECTION " + method + " " + axis + ": the " + grid + " grid ran without its " + axis + " = "
                            + bestFirst.get(i) + " cell");
                    return;
                }
                shown.add(String.format(Locale.ROOT, "%s %.4f (n=%d)", bestFirst.get(i), stats(v).mean(), v.size()));
                if (i > 0) {
                    double better = stats(by.get(canonical(bestFirst.get(i - 1)))).mean(), worse = stats(v).mean();
                    if (!(better > worse)) {
                        failures.add(String.format(Locale.ROOT, "DIRECTION %s %s: %s = %s should beat %s (%s), measured "
                                        + "kNN %.4f vs %.4f", method, axis, axis, bestFirst.get(i - 1), bestFirst.get(i), source,
                                better, worse));
                    }
                }
            }
            if (lines != null) {
                lines.add("direction " + method + " " + axis + " (" + source + "): " + String.join(" > ", shown));
            }
        }

        private static String canonical(String v) {
            try {
                return Double.toString(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return v;
            }
        }
    }

    public static File read(Path file) {
        try {
            return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), File.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read baselines " + file + " (create them with: sslbench baseline update)", e);
        }
    }

    /** As {@link #update(Path, String, List, String, String, double)}, keeping the file's {@code seedStd}. */
    public static File update(Path file, String suite, List<ResultRow> rows, String reason, String commit) {
        return update(file, suite, rows, reason, commit, Double.NaN);
    }

    /**
     * Writes new baselines measured from {@code rows}, appending the reason to the history.
     *
     * @param seedStd the suite's measured seed-to-seed std of a run's kNN top-1 (NaN: keep the file's)
     */
    public static File update(Path file, String suite, List<ResultRow> rows, String reason, String commit, double seedStd) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a baseline update needs --reason");
        }
        Map<String, Entry> now = measure(rows, PROTOCOL);
        if (now.isEmpty()) {
            throw new IllegalArgumentException("no '" + GRID + "' grid " + PROTOCOL + " rows of suite " + suite + " to record");
        }
        Map<String, Entry> linear = measure(rows, LINEAR);
        List<Change> history = new ArrayList<>();
        double seed = seedStd;
        if (Files.exists(file)) {
            File old = read(file);
            history.addAll(old.history());
            if (Double.isNaN(seed)) {
                seed = old.seedStd();
            }
        }
        history.add(new Change(Instant.now().toString(), commit, reason));
        File f = new File(suite, PROTOCOL, METRIC, now, linear.isEmpty() ? null : linear, Double.isNaN(seed) ? 0 : seed,
                history);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, GSON.toJson(f) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write baselines " + file, e);
        }
        return f;
    }
}
