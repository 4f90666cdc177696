package io.sslbench.reports;

import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.results.ResultRow;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.sslbench.reports.ResultsFrame.*;

/**
 * Ablation tables in the papers' shapes, one per grid of the results store. The layout of each grid is
 * chosen from its name and the axes its rows vary (see {@link AblationSpec}); a grid no spec matches
 * still gets a plain table over its axes.
 */
public final class Ablations {
    private Ablations() {}

    public static final String STOP_GRADIENT = "method.stopGradient";
    public static final String PREDICTOR = "method.predictor";
    public static final String MOMENTUM = "method.momentum";
    public static final String HEAD = "method.head";
    public static final String TEMPERATURE = "method.temperature";
    public static final String MULTI_CROP = "method.smallCrops";
    public static final String EPSILON = "method.epsilon";
    public static final String TARGET_DECAY = "method.baseMomentum";
    public static final String BN_PER_VIEW = "method.bnPerView";
    public static final String MLP_BN = "method.mlpBn";
    public static final String BATCH_SIZE = "batchSize";
    public static final String QUEUE_SIZE = "method.queueSize";
    public static final String AUG_FIRST = "aug.first";
    public static final String AUG_SECOND = "aug.second";
    public static final String AUG_KEEP = "aug.keep";
    public static final String SHUFFLE_BN = "method.shuffleBn";
    public static final String BN_DEVICES = "method.bnDevices";
    private static final Map<String, String> TRANSFORMS = Map.of("crop", "crop", "color", "colour jitter",
            "grayscale", "grayscale", "blur", "blur", "flip", "flip");
    private static final List<String> TRANSFORM_ORDER = List.of("crop", "color", "grayscale", "blur", "flip");

    /** The paper layouts, in priority order. */
    public static final List<AblationSpec> SPECS = List.of(
            new AblationSpec("simsiam-stop-gradient", "SimSiam: stop-gradient and predictor",
                    "Shape of Chen & He (CVPR 2021), Fig. 2 and Table 1: accuracy and the per-channel std of the "
                            + "l2-normalised output. The paper finds that without stop-gradient (or without the predictor) "
                            + "the output collapses to a constant (std → 0, accuracy 0.1%), while with it the std stays near 1/√d.",
                    Set.of("simsiam"), List.of(STOP_GRADIENT, PREDICTOR),
                    Map.of(STOP_GRADIENT, "stop-gradient", PREDICTOR, "predictor"),
                    Map.of(STOP_GRADIENT, Map.of("true", "w/ stop-grad", "false", "w/o stop-grad"),
                            PREDICTOR, Map.of("true", "w/ predictor", "false", "w/o predictor", "none", "no predictor",
                                    "mlp", "MLP predictor")),
                    Map.of(PREDICTOR, List.of("mlp", "true", "none", "false")), false, true),
            new AblationSpec("moco-momentum", "MoCo: momentum of the key encoder",
                    "Shape of He et al. (CVPR 2020), momentum ablation (m from 0 to 0.9999 as columns). The paper "
                            + "finds that m = 0 (key encoder = query encoder) fails to train and that a slowly moving "
                            + "key encoder (m = 0.999) works best.",
                    Set.of("moco-v1", "moco-v2"), List.of(MOMENTUM), Map.of(MOMENTUM, "momentum m"), Map.of(), Map.of(),
                    true, false),
            new AblationSpec("simclr-head", "SimCLR: projection head (and temperature)",
                    "Shape of Chen et al. (ICML 2020), Fig. 8: linear evaluation of the representation before the head "
                            + "with no projection head, a linear one and a non-linear (MLP) one. The paper finds the MLP "
                            + "head about 3 points above the linear one and more than 10 above none.",
                    Set.of("simclr", "simclr-v2"), List.of(HEAD, TEMPERATURE),
                    Map.of(HEAD, "projection head", TEMPERATURE, "temperature τ"),
                    Map.of(HEAD, Map.of("none", "none", "linear", "linear", "mlp", "non-linear (MLP)")),
                    Map.of(HEAD, List.of("none", "identity", "linear", "mlp", "nonlinear")), false, false),
            new AblationSpec("simclr-temperature", "SimCLR: temperature of NT-Xent",
                    "Shape of Chen et al. (ICML 2020), Table 5: NT-Xent with l2-normalised embeddings at several "
                            + "temperatures τ; the paper finds a well-tuned τ matters and its best lies at the low end of the range it tried.",
                    Set.of("simclr", "simclr-v2"), List.of(TEMPERATURE), Map.of(TEMPERATURE, "temperature τ"), Map.of(),
                    Map.of(), false, false),
            new AblationSpec("swav-multi-crop", "SwAV: multi-crop",
                    "Shape of Caron et al. (NeurIPS 2020), multi-crop ablation: two full-resolution crops versus two "
                            + "plus several small crops. The official model zoo lists 70.1% (2x224) versus 74.6% "
                            + "(2x224 + 6x96) at 400 epochs, batch 4096, ImageNet, ResNet-50.",
                    Set.of("swav"), List.of(MULTI_CROP), Map.of(MULTI_CROP, "crops"),
                    Map.of(MULTI_CROP, Map.of("0", "2 crops (no multi-crop)", "2", "multi-crop")),
                    Map.of(MULTI_CROP, List.of("0", "2")), false, false),
            new AblationSpec("swav-epsilon", "SwAV: Sinkhorn-Knopp ε",
                    "Caron et al. (NeurIPS 2020), Sec. 3.1 and Appendix: a strong entropy regularisation (high ε) "
                            + "\"generally leads to a trivial solution where all samples collapse into an unique "
                            + "representation and are all assigned uniformly to all prototypes\"; the paper keeps ε low "
                            + "(0.05). Here a run is flagged collapsed when its codes' normalised entropy reaches 0.99.",
                    Set.of("swav"), List.of(EPSILON), Map.of(EPSILON, "Sinkhorn ε"), Map.of(), Map.of(), false, true),
            new AblationSpec("byol-target-decay", "BYOL: target network decay rate",
                    "Shape of Grill et al. (NeurIPS 2020), Table 5a: base decay τ_base of the exponential moving "
                            + "average of the target network. The paper finds both extremes fail: τ = 0 (target = online "
                            + "network) collapses and τ = 1 (target frozen at its random init) learns far less; values "
                            + "between 0.9 and 0.999 work well.",
                    Set.of("byol"), List.of(TARGET_DECAY), Map.of(TARGET_DECAY, "τ_base"), Map.of(), Map.of(), false, true),
            new AblationSpec("bn-per-view", "BN layout: statistics per view or over both views",
                    "The official BYOL and SimSiam code forwards each view separately, so every BN layer normalises each "
                            + "view with its own batch statistics; SimCLR's concatenates the views and normalises them "
                            + "together. Each method's official layout is one of the two columns.",
                    Set.of("byol", "simsiam", "simclr"), List.of(BN_PER_VIEW), Map.of(BN_PER_VIEW, "BN statistics"),
                    Map.of(BN_PER_VIEW, Map.of("true", "per view", "false", "over both views")),
                    Map.of(BN_PER_VIEW, List.of("true", "false")), true, false),
            new AblationSpec("byol-bn", "BYOL: BatchNorm in the MLPs, and a frozen random target",
                    "The survey's point on BYOL: reproductions without BN in the projector and predictor did worse than a "
                            + "random encoder, BN making BYOL implicitly contrastive. Grill et al. (NeurIPS 2020) report "
                            + "that even a frozen random-init target (τ = 1) lifts the online network far above a random "
                            + "encoder (18.8% vs 1.4% ImageNet linear top-1).",
                    Set.of("byol"), List.of(MLP_BN, TARGET_DECAY), Map.of(MLP_BN, "BN in the MLPs", TARGET_DECAY, "τ_base"),
                    Map.of(MLP_BN, Map.of("true", "with BN", "false", "without BN"),
                            TARGET_DECAY, Map.of("0.99", "EMA target (0.99)", "1.0", "frozen random target (1.0)")),
                    Map.of(MLP_BN, List.of("true", "false"), TARGET_DECAY, List.of("0.99", "1.0")), false, true),
            new AblationSpec("simclr-batch", "SimCLR: batch size (negatives per positive)",
                    "Shape of Chen et al. (ICML 2020), Fig. 9: linear evaluation of models trained with batch sizes "
                            + "from 256 to 8192 for 100 to 800 epochs. The paper finds that larger batches (more "
                            + "negatives) help, most when training is short, the gap closing as training gets longer.",
                    Set.of("simclr", "simclr-v2"), List.of(BATCH_SIZE), Map.of(BATCH_SIZE, "batch size"), Map.of(),
                    Map.of(), false, false, AblationSpec.Chart.LINE),
            new AblationSpec("moco-queue", "MoCo: number of negatives K (queue length)",
                    "Shape of He et al. (CVPR 2020), Fig. 3: ImageNet linear accuracy against the number of negatives K "
                            + "(256 to 65536) for end-to-end, memory bank and MoCo. The paper finds MoCo's accuracy "
                            + "growing with K, the largest K best, with a queue decoupled from the batch size.",
                    Set.of("moco-v1", "moco-v2"), List.of(QUEUE_SIZE), Map.of(QUEUE_SIZE, "negatives K"), Map.of(),
                    Map.of(), false, false, AblationSpec.Chart.LINE),
            new AblationSpec("simclr-augment", "SimCLR: composition of data augmentations",
                    "Shape of Chen et al. (ICML 2020), Fig. 5: the targeted transformation(s) applied to one branch "
                            + "only, the other branch the identity; rows the first transformation, columns the second, the "
                            + "diagonal a single one. The paper finds that no single transformation suffices to learn "
                            + "good representations, and that random cropping composed with colour distortion stands "
                            + "out (crop and colour are the best pair: crops of one image share its colour histogram).",
                    Set.of("simclr", "simclr-v2"), List.of(AUG_FIRST, AUG_SECOND),
                    Map.of(AUG_FIRST, "1st transformation", AUG_SECOND, "2nd transformation"),
                    Map.of(AUG_FIRST, TRANSFORMS, AUG_SECOND, TRANSFORMS),
                    Map.of(AUG_FIRST, TRANSFORM_ORDER, AUG_SECOND, TRANSFORM_ORDER), false, false,
                    AblationSpec.Chart.HEAT_MAP),
            new AblationSpec("augment-reduction", "Augmentations removed: SimCLR against BYOL",
                    "Shape of Grill et al. (NeurIPS 2020), Fig. 3b: every view keeps only some of its method's "
                            + "transformations. The paper finds BYOL far more robust: without colour distortion BYOL "
                            + "loses 9.1 ImageNet linear points where SimCLR loses 22.2, and with crops only BYOL again "
                            + "loses far less than SimCLR.",
                    Set.of("simclr", "simclr-v2", "byol"), List.of(AUG_KEEP), Map.of(AUG_KEEP, "augmentations"),
                    Map.of(AUG_KEEP, Map.of("all", "full", "crop+flip+blur+solarize", "colour distortion removed",
                            "crop", "crops only")),
                    Map.of(AUG_KEEP, List.of("all", "crop+flip+blur+solarize", "crop")), false, false,
                    AblationSpec.Chart.BARS, "all"),
            new AblationSpec("moco-shufflebn", "MoCo: Shuffling BN (BN information leakage)",
                    "He et al. (CVPR 2020), Sec. 3.3: with per-device BN the intra-batch communication among samples "
                            + "leaks information; the model \"appears to cheat the pretext task and easily finds a "
                            + "low-loss solution\", its pretext accuracy high while its representation learns less. "
                            + "Shuffling BN normalises the keys with statistics of other devices' images. Here the "
                            + "queries are normalised per simulated device (method.shuffleGroups devices); without "
                            + "Shuffling BN the keys use the queries' device split.",
                    Set.of("moco-v1", "moco-v2"), List.of(SHUFFLE_BN), Map.of(SHUFFLE_BN, "key BN"),
                    Map.of(SHUFFLE_BN, Map.of("true", "Shuffling BN", "false", "per device, unshuffled")),
                    Map.of(SHUFFLE_BN, List.of("true", "false")), false, false),
            new AblationSpec("simclr-global-bn", "SimCLR: global BN against per-device BN",
                    "Chen et al. (ICML 2020), Sec. 2.2, Global BN: \"as positive pairs are computed in the same device, "
                            + "the model can exploit the local information leakage to improve prediction accuracy "
                            + "without improving representations\"; SimCLR aggregates the BN mean and variance over all "
                            + "devices. Here the batch is split into simulated devices, each holding both views of its "
                            + "images and normalising them together.",
                    Set.of("simclr", "simclr-v2"), List.of(BN_DEVICES), Map.of(BN_DEVICES, "BN statistics"),
                    Map.of(BN_DEVICES, Map.of("1", "global (whole batch)", "2", "2 devices", "4", "4 devices",
                            "8", "8 devices")), Map.of(), false, false));

    /**
     * @param rows all rows of the results store; rows outside grids are ignored
     * @return one table per grid that varies at least one axis, grids sorted by name
     */
    public static List<AblationTable> build(List<ResultRow> rows) {
        Map<String, List<ResultRow>> byGrid = new TreeMap<>();
        for (ResultRow r : ResultsFrame.dedupe(rows)) {
            if (!MainTable.MAIN_GRIDS.contains(r.grid())) {
                byGrid.computeIfAbsent(r.grid(), g -> new ArrayList<>()).add(r);
            }
        }
        List<AblationTable> out = new ArrayList<>();
        byGrid.forEach((grid, gridRows) -> buildOne(grid, gridRows).ifPresent(out::add));
        return out;
    }

    /** @return the spec a grid is laid out with, or empty when only the generic layout fits */
    public static Optional<AblationSpec> choose(String grid, Set<String> methods, Set<String> axes) {
        Optional<AblationSpec> byName = SPECS.stream().filter(s -> s.id().equals(grid)).findFirst();
        if (byName.isPresent()) {
            return byName;
        }
        AblationSpec best = null;
        long bestScore = 0;
        for (AblationSpec s : SPECS) {
            if (!s.methods().containsAll(methods) || !axes.contains(s.axes().get(0))) {
                continue;
            }
            long score = s.axes().stream().filter(axes::contains).count();
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Optional<AblationTable> buildOne(String grid, List<ResultRow> gridRows) {
        Set<String> axes = new TreeSet<>();
        Set<String> methods = new TreeSet<>(MethodCards.ORDER);
        gridRows.forEach(r -> {
            axes.addAll(r.axes().keySet());
            methods.add(r.method());
        });
        if (axes.isEmpty()) {
            return Optional.empty();
        }
        AblationSpec chosen = choose(grid, methods, axes).orElseGet(() -> generic(grid, methods, axes));
        if (chosen.axes().stream().noneMatch(axes::contains)) {
            chosen = generic(grid, methods, axes);
        }
        final AblationSpec spec = chosen;
        List<String> laidOut = spec.axes().stream().filter(axes::contains).toList();
        String colAxis = laidOut.size() >= 2 ? laidOut.get(1) : null;
        List<String> rowAxes = new ArrayList<>();
        rowAxes.add(laidOut.get(0));
        laidOut.stream().skip(2).forEach(rowAxes::add);
        axes.stream().filter(a -> !laidOut.contains(a)).forEach(rowAxes::add);
        boolean byMethod = methods.size() > 1;

        Table t = ResultsFrame.of(gridRows);
        List<String> keyCols = new ArrayList<>();
        if (byMethod) {
            keyCols.add(METHOD);
        }
        rowAxes.forEach(a -> keyCols.add(AXIS_PREFIX + a));
        if (colAxis != null) {
            keyCols.add(AXIS_PREFIX + colAxis);
        }
        String[] key = keyCols.toArray(String[]::new);

        Map<MainTable.Metric, Map<List<String>, MeanStd>> acc = new EnumMap<>(MainTable.Metric.class);
        for (MainTable.Metric m : MainTable.Metric.values()) {
            Table p = t.where(t.stringColumn(PROTOCOL).isEqualTo(m.protocol));
            acc.put(m, p.isEmpty() ? Map.of() : ResultsFrame.meanStdBy(p, m.metric, key));
        }
        Table runs = ResultsFrame.runs(t);
        Map<List<String>, MeanStd> outStd = ResultsFrame.meanStdBy(runs, COLLAPSE_STD, key);
        Map<List<String>, MeanStd> pretext = ResultsFrame.meanStdBy(runs, PRETEXT_TOP1, key);
        Map<List<String>, Double> seeds = ResultsFrame.aggregateBy(runs, SEED,
                tech.tablesaw.aggregate.AggregateFunctions.countUnique, key);
        Map<List<String>, Double> collapsed = ResultsFrame.aggregateBy(runs, COLLAPSED,
                tech.tablesaw.aggregate.AggregateFunctions.countTrue, key);
        Map<List<String>, Double> dims = ResultsFrame.aggregateBy(runs, EMBEDDING_DIM,
                tech.tablesaw.aggregate.AggregateFunctions.max, key);
        Map<List<String>, List<String>> runIds = ResultsFrame.runIdsBy(runs, key);

        Map<String, Map<String, Integer>> rank = new HashMap<>();
        for (String a : axes) {
            Set<String> values = new LinkedHashSet<>();
            gridRows.forEach(r -> values.add(r.axes().getOrDefault(a, "")));
            List<String> ordered = orderValues(spec, a, values);
            Map<String, Integer> rk = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                rk.put(ordered.get(i), i);
            }
            rank.put(a, rk);
        }
        final AblationSpec s = spec;
        List<AblationTable.AblationRow> tableRows = new ArrayList<>();
        for (Map.Entry<List<String>, List<String>> e : runIds.entrySet()) {
            List<String> k = e.getKey();
            Map<String, String> axisValues = new LinkedHashMap<>();
            int off = byMethod ? 1 : 0;
            for (int i = 0; i < rowAxes.size(); i++) {
                axisValues.put(rowAxes.get(i), k.get(off + i));
            }
            if (colAxis != null) {
                axisValues.put(colAxis, k.get(k.size() - 1));
            }
            List<String> parts = new ArrayList<>();
            if (byMethod) {
                parts.add(MethodCards.displayName(k.get(0)));
            }
            for (int i = 0; i < rowAxes.size(); i++) {
                String a = rowAxes.get(i);
                String label = s.valueLabel(a, axisValues.get(a));
                parts.add(i == 0 && !byMethod ? label : s.axisTitle(a) + " " + label);
            }
            Map<MainTable.Metric, MeanStd> a = new EnumMap<>(MainTable.Metric.class);
            for (MainTable.Metric m : MainTable.Metric.values()) {
                MeanStd v = acc.get(m).get(k);
                if (v != null) {
                    a.put(m, v);
                }
            }
            String method = byMethod ? k.get(0) : methods.iterator().next();
            tableRows.add(new AblationTable.AblationRow(method, axisValues, String.join(", ", parts), e.getValue(),
                    seeds.get(k).intValue(), a, outStd.getOrDefault(k, MeanStd.EMPTY), collapsed.get(k).intValue(),
                    dims.get(k).intValue(), pretext.getOrDefault(k, MeanStd.EMPTY)));
        }
        Comparator<AblationTable.AblationRow> order = Comparator.comparing(AblationTable.AblationRow::method,
                MethodCards.ORDER);
        for (String a : rowAxes) {
            order = order.thenComparingInt(r -> rank.get(a).get(r.axes().get(a)));
        }
        if (colAxis != null) {
            order = order.thenComparingInt(r -> rank.get(colAxis).get(r.axes().get(colAxis)));
        }
        tableRows.sort(order);
        List<String> colValues = colAxis == null ? List.of()
                : rank.get(colAxis).entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
        return Optional.of(new AblationTable(spec, grid, List.copyOf(methods), rowAxes, colAxis, tableRows, colValues));
    }

    /** A layout for a grid no paper spec matches: rows over all its axes, the first two as a pivot. */
    static AblationSpec generic(String grid, Set<String> methods, Set<String> axes) {
        return new AblationSpec("grid", "Ablation grid '" + grid + "'",
                "No paper layout matched this grid's axes (" + String.join(", ", axes) + "); one row per combination.",
                methods, List.copyOf(axes), Map.of(), Map.of(), Map.of(), false, true);
    }

    /**
     * Display order of an axis' values: numeric when every value is a number, else the spec's preferred
     * order, else "true" before "false", else alphabetical; the empty value ("not set") last.
     */
    static List<String> orderValues(AblationSpec spec, String axis, Collection<String> values) {
        List<String> present = values.stream().filter(v -> !v.isEmpty()).distinct().toList();
        List<String> sorted;
        if (!present.isEmpty() && present.stream().allMatch(Ablations::isNumber)) {
            sorted = present.stream().sorted(Comparator.comparingDouble(Double::parseDouble)).toList();
        } else {
            List<String> pref = spec.valueOrder().getOrDefault(axis, List.of("true", "false"));
            sorted = present.stream().sorted(Comparator
                    .comparingInt((String v) -> pref.contains(v) ? pref.indexOf(v) : pref.size())
                    .thenComparing(Comparator.naturalOrder())).toList();
        }
        List<String> out = new ArrayList<>(sorted);
        if (values.contains("")) {
            out.add("");
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
