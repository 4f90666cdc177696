package io.sslbench.reports;

import io.sslbench.core.results.PaperNumber;
import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.results.ResultRow;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.sslbench.reports.ResultsFrame.*;

/**
 * The main results table: method x protocol, mean ± sample std over seeds, with cost, the collapse
 * verdict, the papers' own numbers (from {@link PaperNumbers}) and the random-init floor.
 *
 * <p>Which rows go in: runs outside any ablation grid ({@code grid == ""}), grouped by
 * (method, dataset, backbone, epochs) so that different scales never share a mean. The floor rows come
 * from every {@code random-init-knn} and {@code random-init-linear} row (the untrained backbone, any grid), grouped by
 * (dataset, backbone).
 *
 * @param entries method rows and floor rows, in display order (per setting: floor first, then methods)
 */
public record MainTable(List<Entry> entries) {
    /** Protocol name of the random-init floor (see ResultRow). */
    public static final String RANDOM_INIT = "random-init-knn";
    /** Protocol name of the random-init linear-probe floor. */
    public static final String RANDOM_INIT_LINEAR = "random-init-linear";
    /** Protocol name of the random-init L-BFGS-probe floor. */
    public static final String RANDOM_INIT_LINEAR_LBFGS = "random-init-linear-lbfgs";

    /** The accuracy columns: protocol and metric as stored, header as shown. */
    public enum Metric {
        KNN_TOP1("knn", "top1", "kNN top-1 (%)"),
        LINEAR_TOP1("linear", "top1", "Linear top-1 (%)"),
        LINEAR_TOP5("linear", "top5", "Linear top-5 (%)"),
        LINEAR_LBFGS_TOP1("linear-lbfgs", "top1", "L-BFGS probe top-1 (%)"),
        SEMI1_TOP1("semi1", "top1", "1% labels top-1 (%)"),
        SEMI10_TOP1("semi10", "top1", "10% labels top-1 (%)");

        public final String protocol;
        public final String metric;
        public final String header;

        Metric(String protocol, String metric, String header) {
            this.protocol = protocol;
            this.metric = metric;
            this.header = header;
        }
    }

    /**
     * One row of the table.
     *
     * @param method        method id, or {@code "random-init"} for a floor row
     * @param dataset       data set id
     * @param backbone      backbone id
     * @param epochs        pretraining epochs (0 for the floor)
     * @param floor         whether this is the random-init floor
     * @param runIds        the runs averaged, in store order
     * @param runs          number of runs averaged
     * @param seeds         number of distinct seeds among them
     * @param accuracy      per metric: mean ± std of the fraction over runs (absent: not evaluated)
     * @param imgPerSec     pretraining throughput over runs
     * @param wallSeconds   pretraining wall time over runs
     * @param collapseStd   std of the l2-normalised embeddings at the end of pretraining, over runs
     * @param collapsedRuns runs whose verdict was "collapsed"
     * @param embeddingDim  d of the embeddings (largest seen in the group), for the 1/sqrt(d) reference
     * @param gain          per floor-paired metric ({@link #GAIN_METRICS}): mean ± std over seeds of the method's
     *                      value minus the random-init floor of the same seed (same data set and backbone)
     */
    public record Entry(String method, String dataset, String backbone, int epochs, boolean floor, List<String> runIds,
                        int runs, int seeds,
                        Map<Metric, MeanStd> accuracy, MeanStd imgPerSec, MeanStd wallSeconds, MeanStd collapseStd,
                        int collapsedRuns, int embeddingDim, Map<Metric, MeanStd> gain) {
        public Entry {
            runIds = List.copyOf(runIds);
            accuracy = Map.copyOf(accuracy);
            gain = Map.copyOf(gain);
        }

        /** @return the gain over the floor in {@code m}, {@link MeanStd#EMPTY} when not measured */
        public MeanStd gain(Metric m) {
            return gain.getOrDefault(m, MeanStd.EMPTY);
        }

        /** @return the accuracy of {@code m}, {@link MeanStd#EMPTY} when not evaluated */
        public MeanStd accuracy(Metric m) {
            return accuracy.getOrDefault(m, MeanStd.EMPTY);
        }

        /** @return e.g. "cifar10 · resnet18-cifar · 200 ep" */
        public String setting() {
            return dataset + " · " + backbone + (floor ? " · untrained" : " · " + epochs + " ep");
        }

        /** @return the row label: the method's display name, or "random init (floor)" */
        public String label() {
            return floor ? "random init (floor)" : MethodCards.displayName(method);
        }

        public Optional<PaperNumber> paperImagenetLinear() {
            return floor ? Optional.empty() : PaperNumbers.imagenetLinearTop1(method);
        }

        public Optional<PaperNumber> lightlyCifarKnn() {
            return floor ? Optional.empty() : PaperNumbers.cifar10KnnTop1(method);
        }
    }

    public MainTable {
        entries = List.copyOf(entries);
    }

    /** The metrics with a random-init floor, and the floor protocol each is paired with. */
    public static final Map<Metric, String> GAIN_METRICS = java.util.Collections.unmodifiableMap(new EnumMap<>(Map.of(
            Metric.KNN_TOP1, RANDOM_INIT, Metric.LINEAR_TOP1, RANDOM_INIT_LINEAR,
            Metric.LINEAR_LBFGS_TOP1, RANDOM_INIT_LINEAR_LBFGS))); // enum order: the gain columns' display order

    /** @return the header of {@code m}'s gain column, e.g. "kNN gain over floor (points)" */
    private static String gainHeader(Metric m) {
        return m.header.replace(" top-1 (%)", " gain over floor (points)");
    }

    /** @return the method rows (no floor rows) */
    public List<Entry> methods() {
        return entries.stream().filter(e -> !e.floor()).toList();
    }

    /**
     * Grids whose rows form the main table: runs outside any grid, and the harness's {@code methods} grid
     * (every method at its defaults, several seeds).
     */
    public static final java.util.Collection<String> MAIN_GRIDS = java.util.List.of("", "methods");

    /** @return the floor rows */
    public List<Entry> floors() {
        return entries.stream().filter(Entry::floor).toList();
    }

    /**
     * Builds the table from the results store's rows.
     *
     * @param rows all rows; grid rows and other protocols are filtered as described on the class
     */
    public static MainTable from(List<ResultRow> rows) {
        Table all = ResultsFrame.of(rows);
        if (all.isEmpty()) {
            return new MainTable(List.of());
        }
        Table main = all.where(all.stringColumn(GRID).isIn(MAIN_GRIDS).and(all.stringColumn(PROTOCOL).isNotIn(GAIN_METRICS.values())));
        String[] key = {METHOD, DATASET, BACKBONE, EPOCHS};
        List<ResultRow> latest = ResultsFrame.dedupe(rows);
        List<Entry> methodEntries = new ArrayList<>();
        if (!main.isEmpty()) {
            Map<Metric, Map<List<String>, MeanStd>> acc = new EnumMap<>(Metric.class);
            for (Metric m : Metric.values()) {
                Table p = main.where(main.stringColumn(PROTOCOL).isEqualTo(m.protocol));
                acc.put(m, p.isEmpty() ? Map.of() : ResultsFrame.meanStdBy(p, m.metric, key));
            }
            Table runs = ResultsFrame.runs(main);
            Map<List<String>, MeanStd> ips = ResultsFrame.meanStdBy(runs, IMG_PER_SEC, key);
            Map<List<String>, MeanStd> wall = ResultsFrame.meanStdBy(runs, WALL_SECONDS, key);
            Map<List<String>, MeanStd> cstd = ResultsFrame.meanStdBy(runs, COLLAPSE_STD, key);
            Map<List<String>, Double> nRuns = ResultsFrame.aggregateBy(runs, RUN_ID, AggregateFunctions.countUnique, key);
            Map<List<String>, Double> nSeeds = ResultsFrame.aggregateBy(runs, SEED, AggregateFunctions.countUnique, key);
            Map<List<String>, Double> nCollapsed = ResultsFrame.aggregateBy(runs, COLLAPSED, AggregateFunctions.countTrue, key);
            Map<List<String>, Double> dim = ResultsFrame.aggregateBy(runs, EMBEDDING_DIM, AggregateFunctions.max, key);
            Map<List<String>, List<String>> ids = runIdsBy(runs, key);
            for (List<String> k : nRuns.keySet()) {
                Map<Metric, MeanStd> a = new EnumMap<>(Metric.class);
                for (Metric m : Metric.values()) {
                    MeanStd s = acc.get(m).get(k);
                    if (s != null) {
                        a.put(m, s);
                    }
                }
                methodEntries.add(new Entry(k.get(0), k.get(1), k.get(2), Integer.parseInt(k.get(3)), false,
                        ids.get(k), nRuns.get(k).intValue(), nSeeds.get(k).intValue(), a, ips.getOrDefault(k, MeanStd.EMPTY),
                        wall.getOrDefault(k, MeanStd.EMPTY), cstd.getOrDefault(k, MeanStd.EMPTY),
                        nCollapsed.get(k).intValue(), dim.get(k).intValue(), gains(latest, k)));
            }
        }
        List<Entry> floorEntries = new ArrayList<>();
        Table floor = all.where(all.stringColumn(PROTOCOL).isIn(GAIN_METRICS.values()));
        if (!floor.isEmpty()) {
            String[] fk = {DATASET, BACKBONE};
            Map<Metric, Map<List<String>, MeanStd>> floorTop1 = new EnumMap<>(Metric.class);
            GAIN_METRICS.forEach((m, protocol) -> {
                Table t = floor.where(floor.stringColumn(PROTOCOL).isEqualTo(protocol));
                floorTop1.put(m, t.isEmpty() ? Map.of() : ResultsFrame.meanStdBy(t, TOP1, fk));
            });
            Map<List<String>, Double> nRuns = ResultsFrame.aggregateBy(floor, RUN_ID, AggregateFunctions.countUnique, fk);
            Map<List<String>, Double> nSeeds = ResultsFrame.aggregateBy(floor, SEED, AggregateFunctions.countUnique, fk);
            Map<List<String>, List<String>> ids = runIdsBy(ResultsFrame.runs(floor), fk);
            for (List<String> k : nRuns.keySet()) {
                Map<Metric, MeanStd> a = new EnumMap<>(Metric.class);
                floorTop1.forEach((m, byKey) -> {
                    if (byKey.containsKey(k)) {
                        a.put(m, byKey.get(k));
                    }
                });
                floorEntries.add(new Entry("random-init", k.get(0), k.get(1), 0, true, ids.get(k), nRuns.get(k).intValue(),
                        nSeeds.get(k).intValue(), a, MeanStd.EMPTY, MeanStd.EMPTY, MeanStd.EMPTY, 0, 0, Map.of()));
            }
        }
        List<Entry> ordered = new ArrayList<>(floorEntries);
        ordered.addAll(methodEntries);
        ordered.sort(Comparator.comparing(Entry::dataset).thenComparing(Entry::backbone)
                .thenComparing(e -> !e.floor()).thenComparing(Entry::method, MethodCards.ORDER)
                .thenComparingInt(Entry::epochs));
        return new MainTable(ordered);
    }

    /**
     * Gains over the floor of the method group {@code key} = (method, dataset, backbone, epochs), from the deduplicated
     * rows ({@link ResultsFrame#dedupe}, re-evaluations replace earlier rows): per seed, the mean of
     * the method's rows minus the mean of the method's own floor rows of that seed (its untrained encoder: same seed, data
     * set and backbone, and the method's initialisation, which differs between methods where their official code
     * zero-initialises the residual blocks' last BN), then mean ± std over the seeds that have both. Pairing by seed removes the spread of the random
     * initialisations from the gain.
     */
    static Map<Metric, MeanStd> gains(List<ResultRow> latest, List<String> key) {
        Map<Metric, MeanStd> out = new EnumMap<>(Metric.class);
        GAIN_METRICS.forEach((m, floorProtocol) -> {
            Map<Long, List<Double>> method = new java.util.TreeMap<>(), floor = new java.util.TreeMap<>();
            for (ResultRow r : latest) {
                if (!r.dataset().equals(key.get(1)) || !r.backbone().equals(key.get(2))) {
                    continue;
                }
                double v = r.metric(m.metric);
                if (Double.isNaN(v)) {
                    continue;
                }
                long seed = r.provenance().seed();
                if (r.protocol().equals(floorProtocol) && r.method().equals(key.get(0))) {
                    floor.computeIfAbsent(seed, x -> new ArrayList<>()).add(v);
                } else if (r.protocol().equals(m.protocol) && MAIN_GRIDS.contains(r.grid()) && r.method().equals(key.get(0))
                        && Integer.toString(r.epochs()).equals(key.get(3))) {
                    method.computeIfAbsent(seed, x -> new ArrayList<>()).add(v);
                }
            }
            double[] g = method.entrySet().stream().filter(e -> floor.containsKey(e.getKey()))
                    .mapToDouble(e -> mean(e.getValue()) - mean(floor.get(e.getKey()))).toArray();
            if (g.length > 0) {
                out.put(m, MeanStd.of(g));
            }
        });
        return out;
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** @return the collapse verdict text: "no", "yes", or "k of n runs", with the mean output std */
    static String collapseText(Entry e) {
        if (e.floor() || e.runs() == 0) {
            return "—";
        }
        String verdict = e.collapsedRuns() == 0 ? "no" : e.collapsedRuns() == e.runs() ? "yes"
                : e.collapsedRuns() + " of " + e.runs() + " runs";
        if (e.collapseStd().isEmpty()) {
            return verdict;
        }
        String ref = e.embeddingDim() > 0 ? " vs 1/√d " + Fmt.fixed(1 / Math.sqrt(e.embeddingDim()), 3) : "";
        return verdict + " (std " + Fmt.fixed(e.collapseStd().mean(), 3) + ref + ")";
    }

    /** The table in the paper shape described on the class. Accuracies in percent with one decimal. */
    public ReportTable toReportTable() {
        List<String> header = new ArrayList<>(List.of("Method", "Setting", "Seeds"));
        for (Metric m : Metric.values()) {
            header.add(m.header);
        }
        GAIN_METRICS.keySet().forEach(m -> header.add(gainHeader(m)));
        header.addAll(List.of("img/s", "Wall time (min)", "Collapsed", "Paper: ImageNet R50 linear top-1 (%)",
                "lightly: CIFAR-10 R18 kNN top-1 (%)"));
        Map<PaperNumber, Integer> noteIds = new LinkedHashMap<>();
        List<List<Cell>> rows = new ArrayList<>();
        for (Entry e : entries) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.text(e.label()));
            row.add(Cell.text(e.setting()));
            row.add(Cell.text(e.runs() == e.seeds() ? Integer.toString(e.seeds()) : e.seeds() + " (" + e.runs() + " runs)"));
            for (Metric m : Metric.values()) {
                row.add(Cell.stat(e.accuracy(m).scaled(100), 1));
            }
            for (Metric m : GAIN_METRICS.keySet()) {
                row.add(e.floor() || e.gain(m).isEmpty() ? Cell.MISSING : Cell.stat(e.gain(m).scaled(100), 1));
            }
            row.add(e.floor() ? Cell.MISSING : Cell.stat(e.imgPerSec(), 1));
            row.add(e.floor() || e.wallSeconds().isEmpty() ? Cell.MISSING : Cell.stat(e.wallSeconds().scaled(1 / 60.0), 1));
            row.add(Cell.text(collapseText(e)));
            row.add(paperCell(e.paperImagenetLinear(), noteIds));
            row.add(paperCell(e.lightlyCifarKnn(), noteIds));
            rows.add(row);
        }
        List<String> notes = new ArrayList<>();
        notes.add("Mean ± sample std over runs with different seeds (one run: no ±). Floor: the same backbone, untrained, "
                + "evaluated with kNN and the linear probe. Collapsed: std of the l2-normalised embeddings below 0.1/√d, "
                + "or the loss at the value a constant output gives (SimSiam −1, BYOL 0) with the std below 0.5/√d; "
                + "a healthy embedding has std ≈ 1/√d. Gain over floor: per seed, the method minus the untrained encoder "
                + "of the same seed (same data set and backbone), then mean ± std over seeds, in points.");
        noteIds.forEach((p, id) -> notes.add("[" + id + "] " + p.model() + " " + Fmt.percent(p.value()) + "%: " + p.scale()
                + ". " + p.source() + "."));
        return new ReportTable("main", "Main results",
                "Our runs next to each paper's own number. The paper columns are at the papers' scale (see notes), "
                        + "not the scale of these runs.", header, rows, notes);
    }

    private static Cell paperCell(Optional<PaperNumber> p, Map<PaperNumber, Integer> noteIds) {
        if (p.isEmpty()) {
            return Cell.MISSING;
        }
        int id = noteIds.computeIfAbsent(p.get(), k -> noteIds.size() + 1);
        return Cell.text(Fmt.percent(p.get().value()) + " [" + id + "]");
    }
}
