package io.sslbench.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * THE one place that holds the numbers the papers (and lightly's benchmark) report. Everything the
 * report prints as "paper" comes from here; each entry carries its scale and source.
 *
 * <p>Two kinds of reference:
 * <ul>
 *   <li>{@link #IMAGENET_LINEAR}: each paper's own ImageNet-1k linear-evaluation top-1 with a ResNet-50
 *       (1x width), at the paper's full scale (hundreds of epochs, batches of 256 to 4096 on many
 *       accelerators). Our runs are far smaller, so these are the ceiling of what was reproduced, not a
 *       target for a CPU run.</li>
 *   <li>{@link #CIFAR10_KNN_LIGHTLY}: lightly's CIFAR-10 benchmark, the closest public reference to our
 *       scale: ResNet-18 (CIFAR variant: 3x3 stem, no max-pool), batch 128, 200 epochs, kNN (k=200,
 *       t=0.1) on the test set, the best accuracy over all epochs, no Gaussian blur.</li>
 * </ul>
 */
public final class PaperNumbers {
    private PaperNumbers() {}

    private static final String MOCO_README = "facebookresearch/moco README, model table (200 ep v1: 60.6; 800 ep v2: 71.1; --batch-size 256)";

    /** Each paper's ImageNet-1k linear-evaluation top-1 with a ResNet-50. */
    public static final List<PaperNumber> IMAGENET_LINEAR = List.of(
            new PaperNumber(Set.of("moco-v1"), "MoCo v1", "linear", "top1", 0.606, "ImageNet-1k", "ResNet-50 (1x)", 200, 256,
                    "ImageNet-1k, ResNet-50, 200 epochs, batch 256",
                    "He et al., Momentum Contrast for Unsupervised Visual Representation Learning, CVPR 2020, linear protocol (R50 1x)",
                    MOCO_README),
            new PaperNumber(Set.of("moco-v2"), "MoCo v2", "linear", "top1", 0.711, "ImageNet-1k", "ResNet-50 (1x)", 800, 256,
                    "ImageNet-1k, ResNet-50, 800 epochs, batch 256",
                    "Chen et al., Improved Baselines with Momentum Contrastive Learning, arXiv 2003.04297, linear protocol",
                    MOCO_README),
            new PaperNumber(Set.of("simclr"), "SimCLR", "linear", "top1", 0.693, "ImageNet-1k", "ResNet-50 (1x)", 1000, 4096,
                    "ImageNet-1k, ResNet-50, 1000 epochs, batch 4096",
                    "Chen et al., A Simple Framework for Contrastive Learning of Visual Representations, ICML 2020, Table 6",
                    "value from the paper's Table 6 (the released TF checkpoint scores 69.1, google-research/simclr README); "
                            + "epochs/batch as stated in the paper's Sec. 6, not re-checked in stored sources"),
            new PaperNumber(Set.of("simclr-v2"), "SimCLR v2 (R50 1x, no SK)", "linear", "top1", 0.717, "ImageNet-1k",
                    "ResNet-50 (1x, no selective kernels)", 800, 4096,
                    "ImageNet-1k, ResNet-50 1x (no SK), 800 epochs, batch 4096",
                    "Chen et al., Big Self-Supervised Models are Strong Semi-Supervised Learners, NeurIPS 2020, Table 1",
                    "google-research/simclr README, SimCLRv2 table (depth 50, 1X, SK False: linear eval 71.7); "
                            + "epochs/batch as stated in the paper, not re-checked in stored sources"),
            new PaperNumber(Set.of("byol"), "BYOL", "linear", "top1", 0.743, "ImageNet-1k", "ResNet-50 (1x)", 1000, 4096,
                    "ImageNet-1k, ResNet-50, 1000 epochs, batch 4096",
                    "Grill et al., Bootstrap Your Own Latent, NeurIPS 2020, Table 1a",
                    "paper abstract (74.3% R50 linear) and Appendix A (LARS, 1000 epochs, batch 4096)"),
            new PaperNumber(Set.of("swav"), "SwAV", "linear", "top1", 0.753, "ImageNet-1k", "ResNet-50 (1x)", 800, 4096,
                    "ImageNet-1k, ResNet-50, 800 epochs, batch 4096, multi-crop 2x224+6x96",
                    "Caron et al., Unsupervised Learning of Visual Features by Contrasting Cluster Assignments, NeurIPS 2020, Table 1",
                    "facebookresearch/swav README model zoo (800 ep, batch 4096, 2x224+6x96: 75.3)"),
            new PaperNumber(Set.of("simsiam"), "SimSiam", "linear", "top1", 0.713, "ImageNet-1k", "ResNet-50 (1x)", 800, 256,
                    "ImageNet-1k, ResNet-50, 800 epochs, batch 256",
                    "Chen & He, Exploring Simple Siamese Representation Learning, CVPR 2021, Table 4",
                    "value and scale from the paper's Table 4; the official facebookresearch/simsiam README lists only "
                            + "the 100-epoch models (68.1 at batch 512, 68.3 at batch 256)"));

    private static final String LIGHTLY_SCALE = "CIFAR-10, ResNet-18 (CIFAR stem), 200 epochs, batch 128, kNN k=200";
    private static final String LIGHTLY_SOURCE = "lightly benchmark, docs/source/getting_started/benchmarks.rst, "
            + "CIFAR-10 table (kNN Top 1 = best over all epochs; Gaussian blur off)";
    private static final String LIGHTLY_CHECKED = "lightly-ai/lightly repository at e8d317fc, benchmarks.rst rows 'Res18, 128, 200'";

    /** lightly's CIFAR-10 kNN top-1 (batch 128, 200 epochs). */
    public static final List<PaperNumber> CIFAR10_KNN_LIGHTLY = List.of(
            lightly(Set.of("byol"), "BYOL", 0.869),
            lightly(Set.of("simclr", "simclr-v2"), "SimCLR", 0.847),
            lightly(Set.of("moco-v1", "moco-v2"), "Moco (MLP head 512-512-128, memory bank 4096)", 0.838),
            lightly(Set.of("simsiam"), "SimSiam", 0.819),
            lightly(Set.of("swav"), "SwaV (2 crops of 32 px, no multi-crop)", 0.812));

    private static PaperNumber lightly(Set<String> methods, String model, double v) {
        return new PaperNumber(methods, "lightly " + model, "knn", "top1", v, "CIFAR-10", "ResNet-18 (CIFAR stem)", 200, 128,
                LIGHTLY_SCALE, LIGHTLY_SOURCE, LIGHTLY_CHECKED);
    }

    /** @return the paper's ImageNet linear top-1 for our method id, if the paper reports one */
    public static Optional<PaperNumber> imagenetLinearTop1(String method) {
        return IMAGENET_LINEAR.stream().filter(p -> p.methods().contains(method)).findFirst();
    }

    /** @return lightly's CIFAR-10 kNN top-1 for our method id, if lightly benchmarks it */
    public static Optional<PaperNumber> cifar10KnnTop1(String method) {
        return CIFAR10_KNN_LIGHTLY.stream().filter(p -> p.methods().contains(method)).findFirst();
    }

    /** @return every reference number, ImageNet first */
    public static List<PaperNumber> all() {
        List<PaperNumber> out = new ArrayList<>(IMAGENET_LINEAR);
        out.addAll(CIFAR10_KNN_LIGHTLY);
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
