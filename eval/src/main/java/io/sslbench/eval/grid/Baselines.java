package io.sslbench.eval.grid;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.sslbench.core.results.ResultRow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recorded baselines of a suite and the regression check against them.
 *
 * <p>A baseline file ({@code eval/baselines/<suite>.json}) holds, per method of the {@code methods}
 * grid, the kNN top-1 mean, its seed std and n, and a history of why it changed. It is only written by
 * {@code sslbench baseline update --reason ...}.
 *
 * <p>Check: a method regresses when its measured mean is below {@code baseline − tolerance}, with
 * {@code tolerance = max(MIN_TOLERANCE, 3·sqrt(std_b²/n_b + std_m²/n_m))}: three standard errors of
 * the difference of two seed means (a one-sided test at ~0.1% false-alarm rate under normality), floored
 * at two points because two seeds underestimate the spread.
 *
 * <p>Collapse gates ({@link #COLLAPSE_GATES}): the SimSiam cell without stop-gradient (predictor on) must be
 * flagged collapsed by its run's {@code Collapse.Verdict} (complete collapse, or the loss at its degenerate
 * value -1 with the output std below half of 1/sqrt(d)), while its stop-gradient twin must not be; a harness
 * that broke stop-gradient would leave the two cells alike and fail. Likewise SwAV with epsilon 0.3 must be
 * flagged (its codes at the uniform assignment) and SwAV with epsilon 0.03 or 0.05 must not.
 */
public final class Baselines {
    private Baselines() {}

    public static final double MIN_TOLERANCE = 0.02;
    public static final String GRID = "methods";
    public static final String PROTOCOL = "knn";
    public static final String METRIC = "top1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** One method's baseline. */
    public record Entry(double mean, double std, int n) {
    }

    /** Why a baseline changed. */
    public record Change(String date, String commit, String reason) {
    }

    /** A suite's baselines. */
    public record File(String suite, String protocol, String metric, Map<String, Entry> methods, List<Change> history) {
    }

    /** Per-method mean, sample std and n of the metric over seeds (rows of the methods grid). */
    public static Map<String, Entry> measure(List<ResultRow> rows) {
        Map<String, List<Double>> by = new TreeMap<>();
        for (ResultRow r : rows) {
            if (GRID.equals(r.grid()) && PROTOCOL.equals(r.protocol()) && !Double.isNaN(r.metric(METRIC))) {
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

    public static double tolerance(Entry base, Entry measured) {
        double se2 = base.std() * base.std() / Math.max(1, base.n()) + measured.std() * measured.std() / Math.max(1, measured.n());
        return Math.max(MIN_TOLERANCE, 3 * Math.sqrt(se2));
    }

    /** @return one message per failure (empty: no regression) */
    public static List<String> check(File baseline, List<ResultRow> rows) {
        List<String> failures = new ArrayList<>();
        Map<String, Entry> now = measure(rows);
        baseline.methods().forEach((method, b) -> {
            Entry m = now.get(method);
            if (m == null) {
                failures.add(String.format(Locale.ROOT, "%s: no %s %s result in suite '%s' (baseline %.4f)", method,
                        PROTOCOL, METRIC, baseline.suite(), b.mean()));
                return;
            }
            double tol = tolerance(b, m);
            if (m.mean() < b.mean() - tol) {
                failures.add(String.format(Locale.ROOT,
                        "REGRESSION %s: %s %s = %.4f (n=%d) < baseline %.4f - tolerance %.4f (suite %s)", method, PROTOCOL,
                        METRIC, m.mean(), m.n(), b.mean(), tol, baseline.suite()));
            }
        });
        for (CollapseGate g : COLLAPSE_GATES) {
            g.check(rows, failures);
        }
        return failures;
    }

    /**
     * An ablation whose collapsing cells the run verdicts must flag, and whose healthy cells they must not.
     *
     * @param method    method id
     * @param grid      grid-name prefix of the ablation's rows
     * @param axis      the ablation axis
     * @param collapses from the axis value: whether the cell collapses (true), stays healthy (false), or is
     *                  outside the gate (null)
     * @param what      the collapsing setting, for messages
     * @param healthy   the healthy setting, for messages
     */
    record CollapseGate(String method, String grid, String axis, java.util.function.Function<ResultRow, Boolean> collapses,
                        String what, String healthy) {
        void check(List<ResultRow> rows, List<String> failures) {
            boolean sawCollapsing = false;
            for (ResultRow r : rows) {
                Boolean expected = method.equals(r.method()) && r.axes().containsKey(axis) ? collapses.apply(r) : null;
                if (expected == null) {
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
                            method, healthy, r.runId(), r.grid(), r.collapseStd()));
                }
            }
            if (!sawCollapsing && rows.stream().anyMatch(r -> r.grid().startsWith(grid))) {
                failures.add("the " + grid + "* ablation ran without a cell of " + method + " " + what);
            }
        }
    }

    /**
     * SimSiam without stop-gradient (predictor on) collapses (Fig. 2); SwAV with a large Sinkhorn epsilon
     * (0.3 and above) falls into the uniform assignment (Sec. 3.1), while 0.05 and below must not be flagged.
     */
    static final List<CollapseGate> COLLAPSE_GATES = List.of(
            new CollapseGate("simsiam", "simsiam-", "method.stopGradient",
                    r -> "false".equals(r.axes().get("method.predictor")) ? null
                            : "false".equals(r.axes().get("method.stopGradient")),
                    "without stop-gradient", "WITH stop-gradient"),
            new CollapseGate("swav", "swav-epsilon", "method.epsilon", r -> {
                double eps = Double.parseDouble(r.axes().get("method.epsilon"));
                return eps >= 0.3 ? Boolean.TRUE : eps <= 0.05 ? Boolean.FALSE : null;
            }, "with epsilon >= 0.3", "with epsilon <= 0.05"));

    public static File read(Path file) {
        try {
            return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), File.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read baselines " + file + " (create them with: sslbench baseline update)", e);
        }
    }

    /** Writes new baselines measured from {@code rows}, appending the reason to the history. */
    public static File update(Path file, String suite, List<ResultRow> rows, String reason, String commit) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a baseline update needs --reason");
        }
        Map<String, Entry> now = measure(rows);
        if (now.isEmpty()) {
            throw new IllegalArgumentException("no '" + GRID + "' grid " + PROTOCOL + " rows of suite " + suite + " to record");
        }
        List<Change> history = new ArrayList<>();
        if (Files.exists(file)) {
            history.addAll(read(file).history());
        }
        history.add(new Change(Instant.now().toString(), commit, reason));
        File f = new File(suite, PROTOCOL, METRIC, now, history);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, GSON.toJson(f) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write baselines " + file, e);
        }
        return f;
    }
}
