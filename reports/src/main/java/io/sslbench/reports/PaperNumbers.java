package io.sslbench.reports;

import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.results.PaperNumber;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The numbers the papers (and lightly's benchmark) report, as each method's module declares them in its card
 * ({@link io.sslbench.core.engine.MethodCard}, e.g. {@code sslbench/methods/simclr.yaml}). Everything the report
 * prints as "paper" comes from there; each entry carries its scale and source.
 *
 * <p>Two kinds of reference:
 * <ul>
 *   <li>ImageNet-1k linear evaluation: each paper's own top-1 with a ResNet-50 (1x width), at the paper's full
 *       scale (hundreds of epochs, batches of 256 to 4096 on many accelerators). Our runs are far smaller, so these
 *       are the ceiling of what was reproduced, not a target for a CPU run.</li>
 *   <li>CIFAR-10 kNN: lightly's benchmark, the closest public reference to our scale: ResNet-18 (CIFAR variant:
 *       3x3 stem, no max-pool), batch 128, 200 epochs, kNN (k=200, t=0.1) on the test set, the best accuracy over
 *       all epochs, no Gaussian blur.</li>
 * </ul>
 */
public final class PaperNumbers {
    private PaperNumbers() {}

    /** @return the paper's ImageNet linear top-1 for our method id, if the paper reports one */
    public static Optional<PaperNumber> imagenetLinearTop1(String method) {
        return all().stream().filter(p -> p.methods().contains(method) && p.protocol().equals("linear")
                && p.dataset().equals("ImageNet-1k")).findFirst();
    }

    /** @return lightly's CIFAR-10 kNN top-1 for our method id, if lightly benchmarks it */
    public static Optional<PaperNumber> cifar10KnnTop1(String method) {
        return all().stream().filter(p -> p.methods().contains(method) && p.protocol().equals("knn")
                && p.dataset().equals("CIFAR-10")).findFirst();
    }

    /** @return every reference number, ImageNet first */
    public static List<PaperNumber> all() {
        List<PaperNumber> out = new ArrayList<>(MethodCards.references());
        out.sort(Comparator.comparing((PaperNumber p) -> !p.dataset().startsWith("ImageNet"))); // stable: cards' order
        return List.copyOf(out);
    }

    /** A table of all reference numbers with their scale and source. */
    public static ReportTable referenceTable() {
        List<List<Cell>> rows = new ArrayList<>();
        for (PaperNumber p : all()) {
            rows.add(List.of(Cell.text(p.model()), Cell.text(String.join(", ", p.methods().stream().sorted().toList())),
                    Cell.text(p.protocol() + " " + p.metric()), Cell.stat(MeanStd.of(p.value() * 100), 1),
                    Cell.text(p.scale()), Cell.text(p.source()), Cell.text(p.checked())));
        }
        return new ReportTable("reference-numbers", "Reference numbers and their scale",
                "What the papers and lightly's CIFAR-10 benchmark report, at the scale they report it. "
                        + "Percent. Our runs are much smaller: compare shapes and orderings, not absolute values.",
                List.of("Source model", "Our method ids", "Protocol", "Reported (%)", "Scale", "Source", "Checked against"),
                rows, List.of());
    }
}
