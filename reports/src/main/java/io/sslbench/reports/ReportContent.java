package io.sslbench.reports;

import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.results.ResultRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the report says, before any format: sections of tables, charts and lists. Built by the pure
 * function {@link #of}; {@link Report} renders it to HTML and Markdown and writes the files.
 *
 * @param title    page title
 * @param summary  one paragraph: how many rows, runs, methods
 * @param sections in page order
 */
public record ReportContent(String title, String summary, List<Section> sections) {
    public ReportContent {
        Objects.requireNonNull(title, "title");
        sections = List.copyOf(sections);
    }

    /** A block of a section. */
    public sealed interface Block permits TableBlock, ChartBlock, ListBlock {}

    /** A table. */
    public record TableBlock(ReportTable table) implements Block {}

    /** A chart with a caption. */
    public record ChartBlock(ChartSpec chart, String caption) implements Block {}

    /** A titled list of text items (deviations of one method). */
    public record ListBlock(String heading, List<String> items, String emptyText) implements Block {
        public ListBlock {
            items = List.copyOf(items);
        }
    }

    /**
     * @param id      anchor id
     * @param heading section heading
     * @param intro   a sentence under the heading ("" for none)
     * @param blocks  content
     */
    public record Section(String id, String heading, String intro, List<Block> blocks) {
        public Section {
            blocks = List.copyOf(blocks);
        }
    }

    /** @return every table of the content, in page order */
    public List<ReportTable> tables() {
        List<ReportTable> out = new ArrayList<>();
        sections.forEach(s -> s.blocks().forEach(b -> {
            if (b instanceof TableBlock t) {
                out.add(t.table());
            }
        }));
        return out;
    }

    /** @return every chart of the content, in page order */
    public List<ChartSpec> charts() {
        List<ChartSpec> out = new ArrayList<>();
        sections.forEach(s -> s.blocks().forEach(b -> {
            if (b instanceof ChartBlock c) {
                out.add(c.chart());
            }
        }));
        return out;
    }

    /** Builds the content from the inputs. Charts without any data series are left out. */
    public static ReportContent of(ReportInputs in) {
        List<ResultRow> rows = ResultsFrame.dedupe(in.rows());
        MainTable main = MainTable.from(in.rows());
        List<AblationTable> ablations = Ablations.build(in.rows());
        List<Section> sections = new ArrayList<>();

        List<Block> mainBlocks = new ArrayList<>();
        mainBlocks.add(new TableBlock(main.toReportTable()));
        addChart(mainBlocks, Charts.accuracyVsCost(main, Charts.Cost.IMG_PER_SEC),
                "Accuracy against pretraining throughput; error bars: sample std over seeds.");
        addChart(mainBlocks, Charts.accuracyVsCost(main, Charts.Cost.WALL_MINUTES),
                "Accuracy against pretraining wall time; error bars: sample std over seeds.");
        sections.add(new Section("main", "Main results", "", mainBlocks));

        sections.add(new Section("reference", "What the papers report, and at what scale",
                "Every paper number in this report comes from one place, the method's card in its module, and carries its scale.",
                List.of(new TableBlock(PaperNumbers.referenceTable()))));

        Map<String, List<TrainingCurve>> groups = mainGroups(main, in.curves());
        List<Block> curveBlocks = new ArrayList<>();
        addChart(curveBlocks, Charts.knnVsEpoch(groups), "kNN top-1 measured at the end of each epoch; mean over seeds, "
                + "error bars: sample std.");
        addChart(curveBlocks, Charts.lossVsStep(groups), "Training loss, mean over seeds (each method has its own loss: "
                + "compare shapes, not levels).");
        addChart(curveBlocks, Charts.collapseStdVsStep("collapse-vs-step", "Output std during pretraining", groups,
                in.embeddingDim()), "Std of the l2-normalised embeddings; a collapsed output has std near 0, a healthy one "
                + "near 1/√d (dashed).");
        sections.add(new Section("training", "Training curves",
                curveBlocks.isEmpty() ? "No run outside the ablation grids has a metrics.jsonl." : "", curveBlocks));

        List<Block> ablationBlocks = new ArrayList<>();
        for (AblationTable t : ablations) {
            ablationBlocks.add(new TableBlock(t.toReportTable()));
            ChartSpec chart = Charts.ablationChart(t);
            addChart(ablationBlocks, chart, t.spec().title() + (chart.kind() == ChartSpec.Kind.HEAT_MAP
                    ? ": each cell the mean over seeds." : ": error bars are the sample std over seeds."));
            if (t.spec().showOutputStd()) {
                Map<String, List<TrainingCurve>> g = new LinkedHashMap<>();
                t.runLabels().forEach((run, label) -> {
                    TrainingCurve c = in.curves().get(run);
                    if (c != null) {
                        g.computeIfAbsent(label, k -> new ArrayList<>()).add(c);
                    }
                });
                // the reference of this ablation's own embeddings (BYOL's 256 or SwAV's 128, not the report-wide d)
                int d = t.embeddingDim() > 0 ? t.embeddingDim() : in.embeddingDim();
                addChart(ablationBlocks, Charts.collapseStdVsStep(t.id() + "-output-std", t.spec().title() + ": output std",
                        g, d), "Std of the l2-normalised output during pretraining per variant, with the "
                        + "1/√d reference (dashed).");
            }
        }
        sections.add(new Section("ablations", "Ablations",
                ablations.isEmpty() ? "The results store holds no ablation grid." : "", ablationBlocks));

        TreeSet<String> methods = new TreeSet<>(MethodCards.ORDER);
        rows.forEach(r -> methods.add(r.method()));
        methods.addAll(in.deviations().keySet());
        List<Block> devBlocks = new ArrayList<>();
        for (String m : methods) {
            devBlocks.add(new ListBlock(MethodCards.displayName(m) + " (" + m + ")", in.deviations().getOrDefault(m, List.of()),
                    "No deviation recorded."));
        }
        sections.add(new Section("deviations", "Deviations from the papers",
                "Where this implementation differs from the paper or its official code, per method.", devBlocks));

        sections.add(new Section("provenance", "Provenance", "", List.of(new TableBlock(ProvenanceTable.of(in.rows())))));

        TreeMap<String, Integer> suites = new TreeMap<>();
        rows.forEach(r -> suites.merge(r.suite(), 1, Integer::sum));
        long runs = rows.stream().map(ResultRow::runId).distinct().count();
        String summary = rows.size() + " result rows from " + runs + " runs"
                + (methods.isEmpty() ? "" : "; methods: " + String.join(", ", methods.stream().map(MethodCards::displayName).toList()))
                + (suites.isEmpty() ? "" : "; suites: " + String.join(", ", suites.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + " rows)").toList())) + ". Accuracies are shown in percent; the store holds fractions.";
        return new ReportContent(in.title(), summary, sections);
    }

    private static void addChart(List<Block> blocks, ChartSpec c, String caption) {
        if (c.series().stream().anyMatch(s -> s.style() != ChartSpec.Style.REFERENCE)) {
            blocks.add(new ChartBlock(c, caption));
        }
    }

    /** Series name to the curves of the runs behind each main-table row (floor rows excluded). */
    static Map<String, List<TrainingCurve>> mainGroups(MainTable main, Map<String, TrainingCurve> curves) {
        boolean settingsDiffer = main.methods().stream().map(MainTable.Entry::setting).distinct().count() > 1;
        Map<String, List<TrainingCurve>> groups = new LinkedHashMap<>();
        for (MainTable.Entry e : main.methods()) {
            String name = settingsDiffer ? e.label() + " (" + e.setting() + ")" : e.label();
            List<TrainingCurve> cs = e.runIds().stream().map(curves::get).filter(Objects::nonNull).toList();
            if (!cs.isEmpty()) {
                groups.put(name, cs);
            }
        }
        return groups;
    }
}
