package io.sslbench.eval.run;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.ResultRow;
import io.sslbench.core.util.Hashing;
import io.sslbench.eval.protocol.FeatureExtractor;
import io.sslbench.eval.protocol.FineTune;
import io.sslbench.eval.protocol.FineTuneConfig;
import io.sslbench.eval.protocol.Knn;
import io.sslbench.eval.protocol.LinearEval;
import io.sslbench.eval.protocol.LinearEvalConfig;
import io.sslbench.eval.protocol.LinearProbe;
import io.sslbench.eval.protocol.LinearProbeConfig;
import io.sslbench.eval.protocol.SanityCheck;
import io.sslbench.eval.protocol.SemiSupervisedSubsets;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the evaluation protocols on a pretrained run and turns each into a {@link ResultRow} with full
 * provenance. Features are extracted once per network, in inference mode, without augmentation
 * ({@link FeatureExtractor#PROTOCOL}); the backbone is checked unchanged after the frozen protocols.
 *
 * <p>Protocols: {@code knn} (k=200, T=0.1, cosine), {@code linear} (the method's official linear evaluation: SGD or
 * LARS on frozen features of augmented images, {@link LinearEval}), {@code linear-lbfgs} (L2 logistic regression on
 * standardised unaugmented features, L-BFGS: SimCLR's transfer protocol, seconds on a CPU),
 * {@code semi1} / {@code semi10} (fine-tune the whole network on a class-balanced 1% / 10% of the
 * training labels, subsets saved as index files so every method sees the same images), and
 * {@code random-init-knn} / {@code random-init-linear} / {@code random-init-linear-lbfgs} (the same encoder
 * untrained, under kNN and either linear protocol: the floors every method must beat). The floors depend only on the untrained encoder's weights and the data, so
 * they are computed once per (initial encoder weights, train, test) and reused by every run of a suite.
 */
public final class Evaluate {
    private Evaluate() {}

    public static final List<String> ALL = List.of("knn", "linear", "linear-lbfgs", "semi1", "semi10",
            "random-init-knn", "random-init-linear", "random-init-linear-lbfgs");

    /** Floor metrics by (hash of the untrained encoder's weights, train, test, protocol); see {@link #floor}. */
    private static final Map<String, Map<String, Double>> FLOORS = new ConcurrentHashMap<>();
    /** How many floors were computed rather than found in {@link #FLOORS} (for tests). */
    static final AtomicInteger FLOOR_MISSES = new AtomicInteger();

    /**
     * Where the rows go and how the evaluation is budgeted.
     *
     * @param subsetDir      folder of the semi-supervised index files (shared by every run of a suite)
     * @param fineTuneEpochs semi-supervised fine-tuning epochs; 0 = SimCLR's (60 for 1%, 30 for 10%)
     * @param linear         the budget of the {@code linear} protocol (the official one by default)
     */
    public record Context(String suite, String grid, String cell, Map<String, String> axes, Path subsetDir,
                          int fineTuneEpochs, LinearBudget linear) {
        public Context {
            if (fineTuneEpochs < 0) {
                throw new IllegalArgumentException("fineTuneEpochs must be >= 0 (0 = the protocol's default), got "
                        + fineTuneEpochs);
            }
            Objects.requireNonNull(linear, "linear");
        }

        public static Context adhoc(Path subsetDir, int fineTuneEpochs, LinearBudget linear) {
            return new Context("adhoc", "", "", Map.of(), subsetDir, fineTuneEpochs, linear);
        }
    }

    /**
     * What a suite may change in the {@code linear} protocol to fit its budget; each change is a DEVIATION from the
     * official protocol recorded in the row ({@code linearEpochs}, {@code linearAugmented}).
     *
     * @param epochs  epochs instead of the method's official count (0 = official)
     * @param augment false: train on the features of the unaugmented images, computed once (the official protocol
     *                augments every epoch, which costs a forward pass of the training set per epoch)
     */
    public record LinearBudget(int epochs, boolean augment) {
        public static final LinearBudget OFFICIAL = new LinearBudget(0, true);

        public LinearBudget {
            if (epochs < 0) {
                throw new IllegalArgumentException("linear epochs must be >= 0 (0 = the method's official count), got "
                        + epochs);
            }
        }

        /** @return the method's official linear evaluation with this budget applied */
        public LinearEvalConfig apply(String method) {
            LinearEvalConfig c = LinearEvalConfig.forMethod(method).withAugment(augment);
            return epochs > 0 ? c.withEpochs(epochs) : c;
        }
    }

    /**
     * @param runId      id of the run (its folder name)
     * @param online     the pretrained online network (not modified)
     * @param features   its pooled-feature vertex
     * @param protocols  which protocols, from {@link #ALL}
     */
    public static List<ResultRow> run(String runId, RunConfig cfg, SslMethod method, ComputationGraph online,
                                      String features, Trainer.Result train, Provenance prov,
                                      Pretrain.Data data, List<String> protocols, Context ctx, PrintStream out) {
        List<ResultRow> rows = new ArrayList<>();
        boolean collapsed = train.verdict(method).collapsed();
        for (String p : protocols) {
            if (!ALL.contains(p)) {
                throw new IllegalArgumentException("unknown protocol '" + p + "'; known: " + ALL);
            }
        }
        ImageDataset tr = data.train(), te = data.test();
        float[] mean = data.norm().mean(), std = data.norm().std();
        INDArray before = online.params().dup();
        INDArray ftr = null, fte = null;
        if (protocols.contains("knn") || protocols.contains("linear") || protocols.contains("linear-lbfgs")) {
            ftr = FeatureExtractor.extract(online, features, tr, mean, std, 256);
            fte = FeatureExtractor.extract(online, features, te, mean, std, 256);
        }
        for (String p : protocols) {
            long t0 = System.nanoTime();
            Map<String, Double> m = new LinkedHashMap<>();
            switch (p) {
                case "knn" -> {
                    Knn.Result r = Knn.evaluate(ftr, tr.labels(), fte, te.labels(), tr.numClasses());
                    m.put("top1", r.top1());
                    m.put("top5", r.top5());
                }
                case "linear" -> {
                    LinearEval.Result r = LinearEval.run(online, features, tr, ftr, fte, te.labels(), data.target(),
                            data.norm(), ctx.linear().apply(cfg.methodName()));
                    SanityCheck.assertUnchanged(before, online);
                    putLinearEval(m, r);
                }
                case "linear-lbfgs" -> {
                    LinearProbe.Result r = LinearProbe.evaluate(ftr, tr.labels(), fte, te.labels(), tr.numClasses(),
                            LinearProbeConfig.defaults());
                    SanityCheck.assertUnchanged(before, online);
                    m.put("top1", r.top1());
                    m.put("top5", r.top5());
                }
                case "semi1", "semi10" -> {
                    // The labelled subset is a fraction of the whole training split (1% of CIFAR-10 = 500 images),
                    // not of the pretraining subset: "1% of the labels" means the same images at every scale.
                    ImageDataset pool = data.labelled();
                    double frac = p.equals("semi1") ? 0.01 : 0.10;
                    SemiSupervisedSubsets.Subset s = SemiSupervisedSubsets.loadOrCreate(
                            ctx.subsetDir().resolve(pool.sha256().substring(0, 12) + "-" + p + ".txt"), pool, frac, 0);
                    FineTuneConfig fc = FineTuneConfig.simclr(frac, Math.min(256, Math.max(16, s.indices().length / 4)),
                            mean, std);
                    if (ctx.fineTuneEpochs() > 0) {
                        fc = fc.withEpochs(ctx.fineTuneEpochs()); // DEVIATION (suite budget): fewer epochs than SimCLR's
                    }
                    FineTune.Result r = FineTune.run(online, method.fineTuneFrom(features), pool, s.indices(),
                            te, fc);
                    SanityCheck.assertUnchanged(before, online);
                    m.put("top1", r.top1());
                    m.put("top5", r.top5());
                    m.put("labelled", (double) r.numLabelled());
                    m.put("fineTuneEpochs", (double) r.epochs());
                }
                case "random-init-knn", "random-init-linear", "random-init-linear-lbfgs" ->
                        m.putAll(floor(p, cfg, method, features, data, ctx.linear()));
                default -> throw new IllegalStateException(p);
            }
            m.put("evalSeconds", (System.nanoTime() - t0) / 1e9);
            // the pretraining run's last-epoch loss (the collapse verdict's second signal) and method diagnostics
            if (Double.isFinite(train.finalLoss())) {
                m.put("pretrainLoss", train.finalLoss());
            }
            train.diagnostics().forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    m.put(k, v);
                }
            });
            rows.add(new ResultRow(runId, ctx.suite(), ctx.grid(), ctx.cell(), cfg.methodName(), ctx.axes(), p, m,
                    cfg.backbone(), cfg.data().dataset(), cfg.epochs(), train.imgPerSec(), train.wallSeconds(),
                    train.peakRssBytes(), train.collapseStd(), train.embeddingDim(), collapsed, prov));
            if (out != null) {
                out.printf(Locale.ROOT, "  %-16s top1 %.4f  top5 %.4f  (%.0f s)%n", p, m.get("top1"), m.get("top5"),
                        m.get("evalSeconds"));
            }
        }
        SanityCheck.assertUnchanged(before, online);
        return rows;
    }

    /**
     * A random-init floor: the method's network built at the run's seed but never trained, its encoder features
     * evaluated by kNN or the linear probe. Cached by the SHA-256 of the encoder's initial weights (vertices
     * {@code enc_*}; the heads differ between methods but do not touch the features) and the data hashes, so a
     * suite computes each floor once per seed instead of once per run.
     */
    static Map<String, Double> floor(String protocol, RunConfig cfg, SslMethod method, String features, Pretrain.Data data,
                                     LinearBudget linear) {
        ImageDataset tr = data.train(), te = data.test();
        ComputationGraph fresh = OnlineNetwork.build(OnlineNetwork.EncoderFactory.of(BackboneSpec.parse(cfg.backbone()), method.zeroInitResidual()),
                method, tr.channels(), data.target().size(), cfg.seed(), DataType.FLOAT).graph();
        MessageDigest md = Hashing.digest("SHA-256");
        for (Layer l : fresh.getLayers()) {
            if (l.conf().getLayer().getLayerName().startsWith("enc_") && l.numParams() > 0) {
                md.update(l.conf().getLayer().getLayerName().getBytes(StandardCharsets.UTF_8));
                md.update(l.params().castTo(DataType.FLOAT).dup().data().asBytes()); // dup: a contiguous copy, not a view
            }
        }
        String key = HexFormat.of().formatHex(md.digest()) + "|" + features + "|" + tr.sha256() + "|"
                + te.sha256();
        // the linear protocol's settings differ between methods and budgets, so they are part of its key
        LinearEvalConfig lc = protocol.equals("random-init-linear") ? linear.apply(cfg.methodName()) : null;
        String cacheKey = key + "|" + protocol + (lc == null ? "" : "|" + lc);
        Map<String, Double> hit = FLOORS.get(cacheKey);
        if (hit != null) {
            return hit;
        }
        FLOOR_MISSES.incrementAndGet();
        float[] mean = data.norm().mean(), std = data.norm().std();
        INDArray a = FeatureExtractor.extract(fresh, features, tr, mean, std, 256);
        INDArray b = FeatureExtractor.extract(fresh, features, te, mean, std, 256);
        Knn.Result k = Knn.evaluate(a, tr.labels(), b, te.labels(), tr.numClasses());
        FLOORS.put(key + "|random-init-knn", Map.of("top1", k.top1(), "top5", k.top5()));
        if (protocol.equals("random-init-linear-lbfgs")) {
            LinearProbe.Result r = LinearProbe.evaluate(a, tr.labels(), b, te.labels(), tr.numClasses(),
                    LinearProbeConfig.defaults());
            FLOORS.put(key + "|random-init-linear-lbfgs", Map.of("top1", r.top1(), "top5", r.top5()));
        }
        if (lc != null) {
            Map<String, Double> m = new LinkedHashMap<>();
            putLinearEval(m, LinearEval.run(fresh, features, tr, a, b, te.labels(), data.target(), data.norm(), lc));
            FLOORS.put(cacheKey, Map.copyOf(m));
        }
        return FLOORS.get(cacheKey);
    }

    /** The {@code linear} row's metrics: accuracy, and the budget it ran with (what a reader needs to compare it). */
    private static void putLinearEval(Map<String, Double> m, LinearEval.Result r) {
        m.put("top1", r.top1());
        m.put("top5", r.top5());
        m.put("linearEpochs", (double) r.config().epochs());
        m.put("linearAugmented", r.config().augment() ? 1.0 : 0.0);
        m.put("linearFinalLoss", r.finalLoss());
    }

    /** Convenience: evaluate a finished {@link Pretrain.Outcome}. */
    public static List<ResultRow> run(Pretrain.Outcome o, List<String> protocols, Context ctx, PrintStream out) {
        return run(o.runDir().getFileName().toString(), o.config(), o.method(), o.online(), o.featuresVertex(),
                o.result(), o.provenance(), o.data(), protocols, ctx, out);
    }
}
