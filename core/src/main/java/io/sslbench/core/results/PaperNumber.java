package io.sslbench.core.results;

import java.util.Objects;
import java.util.Set;

/**
 * A number reported by a paper (or a reference benchmark), with the scale it was obtained at, so a
 * reader can see what our numbers are being compared with.
 *
 * @param methods   our method ids this number is the reference for (see {@code ResultRow#method})
 * @param model     the name the source uses for the model
 * @param protocol  evaluation protocol in our vocabulary: {@code linear} or {@code knn}
 * @param metric    {@code top1} or {@code top5}
 * @param value     the reported value as a fraction in (0,1] (papers print percent; we store fractions like ResultRow)
 * @param dataset   data set of pretraining and evaluation, e.g. "ImageNet-1k"
 * @param backbone  backbone as the source names it, e.g. "ResNet-50 (1x)"
 * @param epochs    pretraining epochs
 * @param batchSize pretraining batch size
 * @param scale     one-line human summary of the scale, e.g. "ImageNet-1k, ResNet-50, 800 epochs, batch 256"
 * @param source    citation: paper and table, or benchmark page
 * @param checked   what this value and scale were checked against when it was entered
 */
public record PaperNumber(Set<String> methods, String model, String protocol, String metric, double value,
                          String dataset, String backbone, int epochs, int batchSize, String scale, String source,
                          String checked) {
    public PaperNumber {
        methods = Set.copyOf(methods);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("PaperNumber.methods must not be empty (" + model + ")");
        }
        Objects.requireNonNull(model, "PaperNumber.model");
        if (!Set.of("linear", "knn").contains(protocol)) {
            throw new IllegalArgumentException("PaperNumber.protocol must be linear or knn, got " + protocol);
        }
        if (!Set.of("top1", "top5").contains(metric)) {
            throw new IllegalArgumentException("PaperNumber.metric must be top1 or top5, got " + metric);
        }
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("PaperNumber.value is a fraction in (0,1], got " + value + " for " + model);
        }
        if (epochs <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("PaperNumber.epochs and batchSize must be > 0 for " + model);
        }
        Objects.requireNonNull(scale, "PaperNumber.scale");
        Objects.requireNonNull(source, "PaperNumber.source");
        Objects.requireNonNull(checked, "PaperNumber.checked");
    }
}
