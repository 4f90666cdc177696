package io.sslbench.reports;

import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.ResultRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-built results-store rows for the tests. Values are chosen so that expected means and sample
 * stds have closed forms: three seeds at {@code base - 0.02, base, base + 0.02} have mean {@code base}
 * and sample std exactly 0.02; two seeds at {@code base -/+ 0.01} have sample std {@code 0.01 * sqrt(2)}.
 */
final class Fixtures {
    private Fixtures() {}

    static final int DIM = 128;
    static final String DATASET = "cifar10";
    static final String BACKBONE = "resnet18-cifar";
    static final int EPOCHS = 200;

    static Provenance provenance(long seed) {
        return new Provenance("cfg" + seed + "abcdef0123", "0123456789abcdef0123456789abcdef01234567", seed % 2 == 1, seed,
                "sha256:data" + seed, "CPU/linux-x86_64-onednn-avx2 helpers=on", "17.0.15", "1.0.0-M2.1", "Linux 6.1",
                "amd64", "2024-05-01T12:00:0" + (seed % 10) + "Z");
    }

    /** A builder for one run: fixed run-level fields, rows per protocol. */
    record Run(String runId, String grid, String method, Map<String, String> axes, long seed, double imgPerSec,
               double wallSeconds, double collapseStd, boolean collapsed, int epochs) {
        ResultRow row(String protocol, double top1, double top5) {
            Map<String, Double> m = new LinkedHashMap<>();
            if (!Double.isNaN(top1)) {
                m.put("top1", top1);
            }
            if (!Double.isNaN(top5)) {
                m.put("top5", top5);
            }
            return new ResultRow(runId, "quick", grid, grid.isEmpty() ? "" : "cell-" + axes.hashCode(), method, axes,
                    protocol, m, BACKBONE, DATASET, epochs, imgPerSec, wallSeconds, 3_000_000_000L, collapseStd, DIM,
                    collapsed, provenance(seed));
        }
    }

    static Run run(String runId, String grid, String method, Map<String, String> axes, long seed, double imgPerSec,
                   double wall, double collapseStd, boolean collapsed) {
        return new Run(runId, grid, method, axes, seed, imgPerSec, wall, collapseStd, collapsed, EPOCHS);
    }

    /** Offsets that give sample std 0.02 over three seeds. */
    static final double[] D3 = {-0.02, 0.0, 0.02};
    /** Offsets that give sample std 0.01*sqrt(2) over two seeds. */
    static final double[] D2 = {-0.01, 0.01};

    /** Base kNN / linear top-1 per method of the main runs (outside any grid). */
    static final Map<String, double[]> MAIN_BASE = new LinkedHashMap<>();

    static {
        // method -> {knn, linearTop1, linearTop5, semi1, semi10, imgPerSec}
        MAIN_BASE.put("simclr", new double[]{0.82, 0.84, 0.99, 0.50, 0.70, 200});
        MAIN_BASE.put("moco-v2", new double[]{0.80, 0.83, 0.98, 0.48, 0.69, 220});
        MAIN_BASE.put("byol", new double[]{0.85, 0.87, 0.995, 0.55, 0.75, 150});
        MAIN_BASE.put("swav", new double[]{0.78, 0.80, 0.97, 0.45, 0.66, 120});
    }

    /** Main runs: the methods above with three seeds each, SimSiam with ONE seed and only kNN + linear. */
    static List<ResultRow> mainRows() {
        List<ResultRow> out = new ArrayList<>();
        MAIN_BASE.forEach((method, b) -> {
            for (int s = 0; s < 3; s++) {
                double d = D3[s];
                Run r = run(method + "-s" + s, "", method, Map.of(), s, b[5] + 100 * d, 3600 + 6000 * d, 0.085, false);
                out.add(r.row("knn", b[0] + d, Double.NaN));
                out.add(r.row("linear", b[1] + d, b[2]));
                out.add(r.row("semi1", b[3] + d, Double.NaN));
                out.add(r.row("semi10", b[4] + d, Double.NaN));
                out.add(r.row("random-init-knn", 0.30 + d, Double.NaN));
            }
        });
        Run ss = run("simsiam-s0", "", "simsiam", Map.of(), 0, 180, 4000, 0.087, false);
        out.add(ss.row("knn", 0.81, Double.NaN));
        out.add(ss.row("linear", 0.83, 0.985));
        out.add(ss.row("random-init-knn", 0.30, Double.NaN));
        return out;
    }

    /** SimSiam with / without stop-gradient, two seeds each; without it the output collapses. */
    static List<ResultRow> simsiamStopGradRows() {
        List<ResultRow> out = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            Run with = run("ss-sg-true-s" + s, "simsiam-ablation", "simsiam", Map.of("method.stopGradient", "true"), s,
                    180, 4000, 0.088 + D2[s] / 10, false);
            out.add(with.row("knn", 0.75 + D2[s], Double.NaN));
            out.add(with.row("linear", 0.77 + D2[s], 0.98));
            Run without = run("ss-sg-false-s" + s, "simsiam-ablation", "simsiam", Map.of("method.stopGradient", "false"), s,
                    185, 3900, 0.0005 + D2[s] / 100, true);
            out.add(without.row("knn", 0.10, Double.NaN));
            out.add(without.row("linear", 0.10, 0.50));
        }
        return out;
    }

    /** MoCo momentum sweep, one seed per value, kNN only; m = 0 collapses. */
    static final String[] MOMENTA = {"0.999", "0", "0.99", "0.9"};

    static List<ResultRow> mocoMomentumRows() {
        List<ResultRow> out = new ArrayList<>();
        double[] knn = {0.80, 0.10, 0.78, 0.74};
        for (int i = 0; i < MOMENTA.length; i++) {
            Run r = run("moco-m" + MOMENTA[i], "moco-momentum", "moco-v2", Map.of("method.momentum", MOMENTA[i]), 0,
                    220, 3600, i == 1 ? 0.001 : 0.08, i == 1);
            out.add(r.row("knn", knn[i], Double.NaN));
        }
        return out;
    }

    /** SimCLR head x temperature, two seeds, linear top-1 = 0.60 + 0.1 * headIndex + tauBonus (+/- 0.01). */
    static final String[] HEADS = {"mlp", "none", "linear"};
    static final String[] TAUS = {"0.5", "0.1"};

    static double simclrHeadTauLinear(String head, String tau) {
        int h = List.of("none", "linear", "mlp").indexOf(head);
        return 0.60 + 0.1 * h + (tau.equals("0.1") ? 0.02 : 0.0);
    }

    static List<ResultRow> simclrHeadTemperatureRows() {
        List<ResultRow> out = new ArrayList<>();
        for (String head : HEADS) {
            for (String tau : TAUS) {
                for (int s = 0; s < 2; s++) {
                    Run r = run("simclr-" + head + "-" + tau + "-s" + s, "simclr-head", "simclr",
                            Map.of("method.head", head, "method.temperature", tau), s, 200, 3600, 0.08, false);
                    out.add(r.row("linear", simclrHeadTauLinear(head, tau) + D2[s], Double.NaN));
                    out.add(r.row("knn", simclrHeadTauLinear(head, tau) - 0.05, Double.NaN));
                }
            }
        }
        return out;
    }

    static List<ResultRow> swavMultiCropRows() {
        List<ResultRow> out = new ArrayList<>();
        Run a = run("swav-mc-false", "swav-multicrop", "swav", Map.of("method.smallCrops", "0"), 0, 150, 3000, 0.08, false);
        Run b = run("swav-mc-true", "swav-multicrop", "swav", Map.of("method.smallCrops", "2"), 0, 90, 5000, 0.08, false);
        out.add(a.row("knn", 0.70, Double.NaN));
        out.add(b.row("knn", 0.74, Double.NaN));
        return out;
    }

    static List<ResultRow> byolTargetDecayRows() {
        List<ResultRow> out = new ArrayList<>();
        String[] taus = {"1", "0.996", "0", "0.99"};
        double[] knn = {0.35, 0.80, 0.10, 0.79};
        for (int i = 0; i < taus.length; i++) {
            Run r = run("byol-tau" + taus[i], "byol-decay", "byol", Map.of("method.baseMomentum", taus[i]), 0, 150, 3600,
                    taus[i].equals("0") ? 0.0008 : 0.08, taus[i].equals("0"));
            out.add(r.row("knn", knn[i], Double.NaN));
        }
        return out;
    }

    /** A grid no paper layout matches: two methods over an axis nobody lays out. */
    static List<ResultRow> unknownGridRows() {
        List<ResultRow> out = new ArrayList<>();
        for (String m : List.of("simclr", "byol")) {
            for (String lr : List.of("0.3", "0.05")) {
                Run r = run(m + "-lr" + lr, "lr-sweep", m, Map.of("optimizer.lr", lr), 0, 100, 1000, 0.08, false);
                out.add(r.row("knn", lr.equals("0.3") ? 0.7 : 0.6, Double.NaN));
            }
        }
        return out;
    }

    /** Everything. */
    static List<ResultRow> allRows() {
        List<ResultRow> out = new ArrayList<>(mainRows());
        out.addAll(simsiamStopGradRows());
        out.addAll(mocoMomentumRows());
        out.addAll(simclrHeadTemperatureRows());
        out.addAll(swavMultiCropRows());
        out.addAll(byolTargetDecayRows());
        out.addAll(unknownGridRows());
        return out;
    }

    /** Deviations with every character that needs escaping somewhere. */
    static final java.util.Map<String, List<String>> DEVIATIONS = java.util.Map.of(
            "simclr", List.of("Batch 256 instead of 4096 (<script>alert('x')</script> & 50% _under_ | pipe)",
                    "LARS replaced by SGD with momentum 0.9"),
            "simsiam", List.of("CIFAR ResNet-18 stem (3x3 conv, no max-pool) as in the paper's CIFAR experiments"));

    /**
     * Writes {@code runsRoot/<runId>/metrics.jsonl} for the main runs and the SimSiam ablation: 4 epochs of
     * 25 steps; loss decays, kNN rises per epoch, and SimSiam without stop-gradient collapses (std to 0).
     */
    static void writeCurves(java.nio.file.Path runsRoot, List<ResultRow> rows) throws java.io.IOException {
        java.util.Set<String> done = new java.util.HashSet<>();
        for (ResultRow r : rows) {
            boolean main = r.grid().isEmpty();
            boolean ss = r.grid().equals("simsiam-ablation");
            if (!(main || ss) || !done.add(r.runId())) {
                continue;
            }
            boolean collapses = "false".equals(r.axes().get("method.stopGradient"));
            double finalKnn = r.protocol().equals("knn") ? r.metric("top1") : 0.6;
            StringBuilder sb = new StringBuilder();
            int epochs = 4;
            int spe = 25;
            for (int step = 0; step < epochs * spe; step++) {
                int epoch = step / spe;
                double loss = (r.method().equals("byol") ? 1.0 : 5.0) * Math.exp(-step / 60.0) + 0.1;
                double std = collapses ? 0.088 * Math.exp(-step / 15.0) : 0.088 * (1 - 0.2 * Math.exp(-step / 20.0));
                sb.append(String.format(java.util.Locale.ROOT,
                        "{\"step\": %d, \"epoch\": %d, \"loss\": %.6f, \"lr\": 0.06, \"collapseStd\": %.6f", step, epoch,
                        loss, std));
                if (step % spe == spe - 1) {
                    double knn = collapses ? 0.10 : finalKnn * (0.55 + 0.15 * epoch);
                    sb.append(String.format(java.util.Locale.ROOT, ", \"knnTop1\": %.6f", knn));
                }
                sb.append("}\n");
            }
            java.nio.file.Path dir = runsRoot.resolve(r.runId());
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve("metrics.jsonl"), sb.toString());
        }
    }

    /** All rows plus one main run whose method and run id need escaping. */
    static List<ResultRow> reportRows() {
        List<ResultRow> out = new ArrayList<>(allRows());
        Run evil = run("run-<img src=x onerror=alert(1)>", "", "x-<b>&amp;", Map.of(), 7, 50, 100, 0.05, false);
        out.add(evil.row("knn", 0.5, Double.NaN));
        out.add(evil.row("linear", 0.55, Double.NaN));
        return out;
    }
}
