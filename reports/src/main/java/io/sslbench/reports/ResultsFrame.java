package io.sslbench.reports;

import io.sslbench.core.loss.PretextAccuracy;
import io.sslbench.core.results.ResultRow;
import tech.tablesaw.aggregate.AggregateFunction;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The results store as Tablesaw tables, and the group-by summaries the report is built from.
 *
 * <p>{@link #of} gives one table row per (run, grid, protocol): if the store holds the same pair twice (a
 * re-evaluation), the LAST row in store order wins. Metric columns hold NaN where a row lacks the metric
 * (Tablesaw's missing value for doubles). Each grid axis becomes a string column {@code axis:<key>}
 * ("" where the run has no such axis).
 */
public final class ResultsFrame {
    private ResultsFrame() {}

    public static final String RUN_ID = "runId";
    public static final String SUITE = "suite";
    public static final String GRID = "grid";
    public static final String CELL = "cell";
    public static final String METHOD = "method";
    public static final String PROTOCOL = "protocol";
    public static final String DATASET = "dataset";
    public static final String BACKBONE = "backbone";
    public static final String EPOCHS = "epochs";
    public static final String SEED = "seed";
    public static final String TOP1 = "top1";
    public static final String TOP5 = "top5";
    public static final String IMG_PER_SEC = "imgPerSec";
    public static final String WALL_SECONDS = "wallSeconds";
    public static final String COLLAPSE_STD = "collapseStd";
    public static final String COLLAPSED = "collapsed";
    public static final String EMBEDDING_DIM = "embeddingDim";
    /** The pretraining's last-epoch contrastive pretext top-1 (a method diagnostic; NaN for methods without one). */
    public static final String PRETEXT_TOP1 = PretextAccuracy.DIAGNOSTIC;
    /** Prefix of the per-axis columns. */
    public static final String AXIS_PREFIX = "axis:";

    /** @return rows with duplicate (runId, protocol) pairs removed, the last occurrence kept, in first-seen order */
    public static List<ResultRow> dedupe(List<ResultRow> rows) {
        Map<List<String>, ResultRow> byKey = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            // a run can belong to several grids (shared cells are re-labelled, not re-run): keep one row per grid
            byKey.put(List.of(r.runId(), r.grid(), r.protocol()), r);
        }
        return List.copyOf(byKey.values());
    }

    /**
     * @param rows rows of the results store, in store order
     * @return one row per (run, grid, protocol), columns as named by the constants of this class
     */
    public static Table of(List<ResultRow> rows) {
        List<ResultRow> rs = dedupe(rows);
        TreeSet<String> axisKeys = new TreeSet<>();
        rs.forEach(r -> axisKeys.addAll(r.axes().keySet()));
        StringColumn runId = StringColumn.create(RUN_ID);
        StringColumn suite = StringColumn.create(SUITE);
        StringColumn grid = StringColumn.create(GRID);
        StringColumn cell = StringColumn.create(CELL);
        StringColumn method = StringColumn.create(METHOD);
        StringColumn protocol = StringColumn.create(PROTOCOL);
        StringColumn dataset = StringColumn.create(DATASET);
        StringColumn backbone = StringColumn.create(BACKBONE);
        IntColumn epochs = IntColumn.create(EPOCHS);
        LongColumn seed = LongColumn.create(SEED);
        DoubleColumn top1 = DoubleColumn.create(TOP1);
        DoubleColumn top5 = DoubleColumn.create(TOP5);
        DoubleColumn imgPerSec = DoubleColumn.create(IMG_PER_SEC);
        DoubleColumn wall = DoubleColumn.create(WALL_SECONDS);
        DoubleColumn collapseStd = DoubleColumn.create(COLLAPSE_STD);
        BooleanColumn collapsed = BooleanColumn.create(COLLAPSED);
        IntColumn dim = IntColumn.create(EMBEDDING_DIM);
        DoubleColumn pretext = DoubleColumn.create(PRETEXT_TOP1);
        Map<String, StringColumn> axes = new LinkedHashMap<>();
        for (String k : axisKeys) {
            axes.put(k, StringColumn.create(AXIS_PREFIX + k));
        }
        for (ResultRow r : rs) {
            runId.append(r.runId());
            suite.append(r.suite());
            grid.append(r.grid());
            cell.append(r.cell());
            method.append(r.method());
            protocol.append(r.protocol());
            dataset.append(nz(r.dataset()));
            backbone.append(nz(r.backbone()));
            epochs.append(r.epochs());
            seed.append(r.provenance().seed());
            top1.append(r.metric("top1"));
            top5.append(r.metric("top5"));
            imgPerSec.append(r.imgPerSec());
            wall.append(r.wallSeconds());
            collapseStd.append(r.collapseStd());
            collapsed.append(r.collapsed());
            dim.append(r.embeddingDim());
            pretext.append(r.metric(PRETEXT_TOP1));
            axes.forEach((k, col) -> col.append(r.axes().getOrDefault(k, "")));
        }
        List<Column<?>> cols = new ArrayList<>(List.of(runId, suite, grid, cell, method, protocol, dataset, backbone,
                epochs, seed, top1, top5, imgPerSec, wall, collapseStd, collapsed, dim, pretext));
        cols.addAll(axes.values());
        return Table.create("results", cols);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /**
     * One row per run (the run-level columns: cost, collapse, seed, axes), taken from the run's last row.
     *
     * @param results a table made by {@link #of}
     */
    public static Table runs(Table results) {
        Map<String, Integer> lastRowOfRun = new LinkedHashMap<>();
        StringColumn ids = results.stringColumn(RUN_ID);
        for (int i = 0; i < results.rowCount(); i++) {
            lastRowOfRun.put(ids.get(i), i);
        }
        int[] idx = lastRowOfRun.values().stream().mapToInt(Integer::intValue).toArray();
        Table t = results.rows(idx).removeColumns(PROTOCOL, TOP1, TOP5);
        t.setName("runs");
        return t;
    }

    /**
     * Mean, sample std and count of {@code valueColumn} per group, computed with Tablesaw's
     * {@code summarize(mean, stdDev, countNonMissing).by(groups)} over the non-missing values.
     *
     * @param t            a table with {@code valueColumn} numeric and {@code groupColumns} categorical
     * @param valueColumn  the numeric column to summarise
     * @param groupColumns columns whose values form the key (none: one group, key = empty list)
     * @return key (the group columns' values as strings, in order) to summary; groups with no value are absent
     */
    public static Map<List<String>, MeanStd> meanStdBy(Table t, String valueColumn, String... groupColumns) {
        NumericColumn<?> values = t.numberColumn(valueColumn);
        Table valid = t.where(values.isNotMissing());
        Map<List<String>, MeanStd> out = new LinkedHashMap<>();
        if (valid.isEmpty()) {
            return out;
        }
        Table s = summarize(valid, valueColumn, groupColumns, AggregateFunctions.mean, AggregateFunctions.stdDev,
                AggregateFunctions.countNonMissing);
        int g = groupColumns.length;
        for (int r = 0; r < s.rowCount(); r++) {
            int n = (int) Math.round(s.numberColumn(g + 2).getDouble(r));
            double mean = s.numberColumn(g).getDouble(r);
            double std = s.numberColumn(g + 1).getDouble(r);
            out.put(key(s, r, g), new MeanStd(mean, n >= 2 ? std : Double.NaN, n));
        }
        return out;
    }

    /**
     * One aggregate per group, e.g. {@code countUnique} of seeds or {@code countTrue} of collapsed runs.
     *
     * @return key (group values as strings) to the aggregate as a double
     */
    public static Map<List<String>, Double> aggregateBy(Table t, String valueColumn, AggregateFunction<?, ?> fn,
                                                        String... groupColumns) {
        Map<List<String>, Double> out = new LinkedHashMap<>();
        if (t.isEmpty()) {
            return out;
        }
        Table s = summarize(t, valueColumn, groupColumns, fn);
        int g = groupColumns.length;
        for (int r = 0; r < s.rowCount(); r++) {
            Column<?> c = s.column(g);
            if (!(c instanceof NumericColumn<?> nc)) {
                throw new IllegalArgumentException("aggregate over '" + valueColumn + "' is not numeric: " + c.type());
            }
            out.put(key(s, r, g), nc.getDouble(r));
        }
        return out;
    }

    private static Table summarize(Table t, String valueColumn, String[] groupColumns, AggregateFunction<?, ?>... fns) {
        return groupColumns.length == 0 ? t.summarize(valueColumn, fns).apply()
                : t.summarize(valueColumn, fns).by(groupColumns);
    }

    private static List<String> key(Table s, int row, int groupCount) {
        List<String> k = new ArrayList<>(groupCount);
        for (int c = 0; c < groupCount; c++) {
            k.add(cellText(s.column(c), row));
        }
        return List.copyOf(k);
    }

    /**
     * @param runs         a table made by {@link #runs}
     * @param groupColumns key columns
     * @return key (group values as strings) to the run ids of the group, in table order
     */
    public static Map<List<String>, List<String>> runIdsBy(Table runs, String... groupColumns) {
        Map<List<String>, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < runs.rowCount(); i++) {
            List<String> k = new ArrayList<>(groupColumns.length);
            for (String c : groupColumns) {
                k.add(cellText(runs.column(c), i));
            }
            out.computeIfAbsent(List.copyOf(k), x -> new ArrayList<>()).add(runs.stringColumn(RUN_ID).get(i));
        }
        return out;
    }

    /** Locale-free text of a categorical cell (Tablesaw's own number formatting follows the default locale). */
    static String cellText(Column<?> c, int row) {
        if (c instanceof IntColumn ic) {
            return Integer.toString(ic.getInt(row));
        }
        if (c instanceof LongColumn lc) {
            return Long.toString(lc.getLong(row));
        }
        if (c instanceof BooleanColumn bc) {
            return Boolean.toString(bc.get(row));
        }
        if (c instanceof StringColumn sc) {
            return sc.get(row);
        }
        throw new IllegalArgumentException("column '" + c.name() + "' of type " + c.type() + " cannot be a group key");
    }

    /** @return the axis keys present in a table made by {@link #of}, sorted */
    public static List<String> axisKeys(Table t) {
        return t.columnNames().stream().filter(n -> n.startsWith(AXIS_PREFIX)).map(n -> n.substring(AXIS_PREFIX.length()))
                .sorted().toList();
    }
}
