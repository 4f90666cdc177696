package io.sslbench.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * The resolved configuration of one pretraining run. Defaults here are the harness's neutral ones;
 * each method's bundled YAML ({@code sslbench/configs/<method>-<dataset>.yaml}) sets the paper's values,
 * and {@code --set key=value} overrides any key.
 *
 * @param method    the method section: {@code name} (a registered method id, see
 *                  {@code io.sslbench.core.engine.MethodProvider}) plus that method's own parameters, bound by the
 *                  method module
 * @param seed      the one seed that drives initialisation, data order and augmentation
 * @param epochs    pretraining epochs
 * @param batchSize images per step (each image gives several views)
 * @param backbone  backbone id (see {@code io.sslbench.core.nn.BackboneSpec#parse})
 * @param data      data set section
 * @param optim     optimiser and schedule section
 * @param engine    engine section (checkpoints, monitors, gradient caching)
 * @param aug       the augmentation studies' edits of the method's views (default: none)
 */
public record RunConfig(Map<String, Object> method, long seed, int epochs, int batchSize, String backbone,
                        Data data, Optim optim, Engine engine, Aug aug) {

    public RunConfig {
        method = method == null ? Map.of() : Map.copyOf(method);
        // which ids exist is the registered providers' business (MethodProvider.forConfig names them)
        check(method.get("name") != null && !method.get("name").toString().isBlank(), "method.name",
                "a registered method id", method.get("name"));
        check(epochs >= 1, "epochs", ">= 1", epochs);
        check(batchSize >= 2, "batchSize", ">= 2", batchSize);
        check(backbone != null && !backbone.isBlank(), "backbone", "a backbone id such as small-cifar", backbone);
    }

    public String methodName() {
        return method.get("name").toString();
    }

    /** @return the neutral defaults every config is bound over */
    public static RunConfig defaults() {
        return new RunConfig(Map.of("name", "simclr"), 0, 1, 256, "small-cifar", Data.defaults(), Optim.defaults(),
                Engine.defaults(), Aug.defaults());
    }

    /**
     * @return the config as a tree without the keys that do not change results (engine.quiet, stopAfterSteps,
     *         logEverySteps; data.root, workers, download), every default resolved; the method section as given (the
     *         method module binds it: {@code io.sslbench.core.engine.RunIdentity} puts the bound record in its place,
     *         and that identity's hash names the run for resuming and grid caching)
     */
    public Map<String, Object> identityTree() {
        Map<String, Object> t = RecordTrees.toTree(this);
        t.put("engine", without(t.get("engine"), "quiet", "stopAfterSteps", "logEverySteps"));
        t.put("data", without(t.get("data"), "root", "workers", "download"));
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> without(Object section, String... keys) {
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) section);
        for (String k : keys) {
            m.remove(k);
        }
        return m;
    }

    /**
     * Binds a resolved tree (file merged with overrides) to a validated config. A tree written before
     * {@code optim.excludeBnBias} moved to the method section (a run folder's {@code config.yaml}) has the key moved to
     * {@code method.excludeBnBias}; a tree stating both is refused.
     */
    public static RunConfig from(Map<String, ?> tree) {
        return Records.bind(RunConfig.class, movedKeys(tree), defaults(), "");
    }

    /** Key moved from the optimiser section to the method section: each method states its official value. */
    static final String EXCLUDE_BN_BIAS = "excludeBnBias";

    private static Map<String, ?> movedKeys(Map<String, ?> tree) {
        if (tree == null || !(tree.get("optim") instanceof Map<?, ?> optim) || !optim.containsKey(EXCLUDE_BN_BIAS)) {
            return tree;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        optim.forEach((k, v) -> o.put(k.toString(), v));
        Object value = o.remove(EXCLUDE_BN_BIAS);
        Map<String, Object> m = new LinkedHashMap<>();
        if (tree.get("method") instanceof Map<?, ?> method) {
            method.forEach((k, v) -> m.put(k.toString(), v));
        }
        check(!m.containsKey(EXCLUDE_BN_BIAS), "optim." + EXCLUDE_BN_BIAS,
                "absent when method." + EXCLUDE_BN_BIAS + " is set (the key moved to the method section)", value);
        m.put(EXCLUDE_BN_BIAS, value);
        Map<String, Object> t = new LinkedHashMap<>(tree);
        t.put("optim", o);
        t.put("method", m);
        return t;
    }

    /**
     * @param dataset    data set id (cifar10, cifar100, stl10, mnist, fashion-mnist, imagefolder:PATH)
     * @param subset     pretrain on a class-balanced subset of N training images (0 = all; see ImageDataset#balanced)
     * @param testSubset use a class-balanced subset of N test images for evaluation (0 = all, the default: the whole
     *                   test split, as InstDisc/solo-learn evaluate)
     * @param evalSubset the labelled images evaluation trains on (kNN bank, linear probe, floors): a class-balanced
     *                   subset of N images of the training split (0 = all of it, the default: the kNN bank of
     *                   InstDisc/solo-learn is the whole 50,000-image CIFAR training split). Independent of
     *                   {@code subset}, so a short pretraining is still measured against the whole split
     * @param root       data root ("" = --data-root / SSLBENCH_DATA / user cache)
     * @param workers    augmentation threads
     * @param download   allow downloading missing data sets
     * @param pretrainSplit the split pretraining reads: {@code train} (default; the labelled training split, as
     *                   CIFAR papers do), or another training split of the data set such as STL-10's
     *                   {@code train+unlabeled} (105,000 images, as the STL-10 papers pretrain). Evaluation (kNN
     *                   bank, linear probe, floors) always uses the labelled training split.
     */
    public record Data(String dataset, int subset, int testSubset, int evalSubset, String root, int workers,
                       boolean download, String pretrainSplit) {
        public Data {
            check(dataset != null && !dataset.isBlank(), "data.dataset", "a data set id", dataset);
            check(pretrainSplit != null && !pretrainSplit.isBlank() && !pretrainSplit.equals("test"), "data.pretrainSplit",
                    "a training split (train, or e.g. train+unlabeled for stl10; never test)", pretrainSplit);
            check(subset >= 0, "data.subset", ">= 0 (0 = all)", subset);
            check(testSubset >= 0, "data.testSubset", ">= 0 (0 = all)", testSubset);
            check(evalSubset >= 0, "data.evalSubset", ">= 0 (0 = the whole training split)", evalSubset);
            check(workers >= 1 && workers <= 64, "data.workers", "in [1, 64]", workers);
        }

        public static Data defaults() {
            return new Data("cifar10", 0, 0, 0, "", 2, true, TRAIN);
        }

        /** The default pretraining split. */
        public static final String TRAIN = "train";

        /** @return whether pretraining reads a split other than the labelled training split */
        public boolean separatePretrainSplit() {
            return !TRAIN.equals(pretrainSplit);
        }
    }

    /**
     * @param name           sgd, lars, adam or adamw
     * @param lr             base learning rate (before batch scaling)
     * @param scaleWithBatch lr = base × batchSize / 256 (the SimCLR/BYOL/SimSiam linear scaling rule)
     * @param momentum       SGD/LARS momentum in [0, 1)
     * @param nesterov       Nesterov momentum (SGD)
     * @param weightDecay    L2 weight decay (decoupled for adamw)
     * @param warmupEpochs   linear warm-up length in epochs (may be fractional)
     * @param minLrFraction  cosine decays to lr × this fraction
     * @param cosine         cosine decay after warm-up (false: constant)
     * @param larsEta        LARS trust coefficient
     * @param beta1          Adam β1
     * @param beta2          Adam β2
     * @param eps            Adam ε
     * @param lrSteps        step schedule: the learning rate is multiplied by {@value io.sslbench.core.optim.Schedules#STEP_FACTOR}
     *                       at each of these points, given as fractions of the run in (0, 1), increasing (MoCo v1's
     *                       {@code --schedule 120 160} of 200 epochs is [0.6, 0.8]); the drop happens at the start of
     *                       epoch {@code round(fraction × epochs)}, so the milestones scale with the run length. Empty
     *                       (the default): no step schedule. Only with {@code cosine=false}.
     */
    public record Optim(String name, double lr, boolean scaleWithBatch, double momentum, boolean nesterov,
                        double weightDecay, double warmupEpochs, double minLrFraction, boolean cosine, double larsEta,
                        double beta1, double beta2, double eps, List<Double> lrSteps) {
        public Optim {
            check(List.of("sgd", "lars", "adam", "adamw").contains(name), "optim.name", "one of [sgd, lars, adam, adamw]", name);
            check(lr > 0 && Double.isFinite(lr), "optim.lr", "> 0", lr);
            check(momentum >= 0 && momentum < 1, "optim.momentum", "in [0, 1)", momentum);
            check(weightDecay >= 0, "optim.weightDecay", ">= 0", weightDecay);
            check(warmupEpochs >= 0, "optim.warmupEpochs", ">= 0", warmupEpochs);
            check(minLrFraction >= 0 && minLrFraction <= 1, "optim.minLrFraction", "in [0, 1]", minLrFraction);
            check(larsEta > 0, "optim.larsEta", "> 0", larsEta);
            check(beta1 >= 0 && beta1 < 1, "optim.beta1", "in [0, 1)", beta1);
            check(beta2 >= 0 && beta2 < 1, "optim.beta2", "in [0, 1)", beta2);
            check(eps > 0, "optim.eps", "> 0", eps);
            lrSteps = fractions(lrSteps);
            check(lrSteps.isEmpty() || !cosine, "optim.lrSteps",
                    "empty when optim.cosine=true (a step schedule replaces the cosine, as main_moco.py without --cos)",
                    lrSteps);
        }

        private static List<Double> fractions(List<?> raw) {
            if (raw == null) {
                return List.of();
            }
            List<Double> out = new ArrayList<>();
            double last = 0;
            for (Object o : raw) {
                double f;
                try {
                    f = o instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(o));
                } catch (NumberFormatException e) {
                    throw new ConfigException("optim.lrSteps", "expected fractions of the run in (0, 1), got " + raw);
                }
                check(f > last && f < 1, "optim.lrSteps", "increasing fractions of the run in (0, 1)", raw);
                out.add(f);
                last = f;
            }
            return List.copyOf(out);
        }

        public static Optim defaults() {
            return new Optim("sgd", 0.06, true, 0.9, false, 5e-4, 0, 0, true, 0.001, 0.9, 0.999, 1e-8, List.of());
        }
    }

    /**
     * @param gradCacheChunk       run the online network in chunks of this many rows with gradient
     *                             caching (0 = off): bounded memory, same gradient as the full batch
     * @param checkpointEverySteps also checkpoint every N steps (0 = only at epoch ends)
     * @param onlineProbe          train a linear probe on detached features during pretraining
     * @param knnMonitorEvery      kNN accuracy on held-out data every N epochs (0 = off)
     * @param knnMonitorTrain      training images used as the kNN memory bank of the monitor
     * @param knnMonitorTest       test images scored by the monitor
     * @param logEverySteps        write a metrics line every N steps
     * @param quiet                no progress bar (CI)
     * @param stopAfterSteps       stop (as if killed) after this global step, keeping checkpoints (testing)
     */
    public record Engine(int gradCacheChunk, int checkpointEverySteps, boolean onlineProbe, int knnMonitorEvery,
                         int knnMonitorTrain, int knnMonitorTest, int logEverySteps, boolean quiet, int stopAfterSteps) {
        public Engine {
            check(gradCacheChunk >= 0, "engine.gradCacheChunk", ">= 0 (0 = off)", gradCacheChunk);
            check(checkpointEverySteps >= 0, "engine.checkpointEverySteps", ">= 0", checkpointEverySteps);
            check(knnMonitorEvery >= 0, "engine.knnMonitorEvery", ">= 0", knnMonitorEvery);
            check(knnMonitorTrain >= 0, "engine.knnMonitorTrain", ">= 0", knnMonitorTrain);
            check(knnMonitorTest >= 0, "engine.knnMonitorTest", ">= 0", knnMonitorTest);
            check(logEverySteps >= 1, "engine.logEverySteps", ">= 1", logEverySteps);
            check(stopAfterSteps >= 0, "engine.stopAfterSteps", ">= 0", stopAfterSteps);
        }

        public static Engine defaults() {
            return new Engine(0, 0, true, 1, 5000, 1000, 10, false, 0);
        }
    }

    /**
     * The augmentation studies' edits of a method's own views ({@link io.sslbench.core.aug.AugmentationStudy}).
     *
     * @param keep   {@code all} (default) or the op kinds every view keeps, '+'-joined (crop, flip, color, grayscale,
     *               blur, solarize), e.g. {@code crop} (BYOL Fig. 3b's "crop only")
     * @param first  "" (default: the method's own views) or the first transformation of SimCLR's composition protocol
     *               (Fig. 5: applied to one branch, the other the identity)
     * @param second "" or the second transformation, applied after the first ("" or equal to it: the first alone)
     */
    public record Aug(String keep, String first, String second) {
        /** The op kinds the studies name ({@code io.sslbench.core.aug.AugmentationStudy.Kind}, same names). */
        public static final List<String> KINDS = List.of("crop", "flip", "color", "grayscale", "blur", "solarize");
        /** {@code keep}'s default: every op of the method's views. */
        public static final String ALL = "all";

        public Aug {
            check(keep != null && (keep.strip().equals(ALL) || Arrays.stream(keep.split("\\+"))
                    .allMatch(k -> KINDS.contains(k.strip()))), "aug.keep", ALL + ", or kinds of " + KINDS
                    + " joined by '+'", keep);
            first = first == null ? "" : first.strip();
            second = second == null ? "" : second.strip();
            check(first.isEmpty() || KINDS.contains(first), "aug.first", "empty or one of " + KINDS, first);
            check(second.isEmpty() || KINDS.contains(second), "aug.second", "empty or one of " + KINDS, second);
            check(!first.isEmpty() || second.isEmpty(), "aug.second", "empty unless aug.first is set", second);
        }

        public static Aug defaults() {
            return new Aug(ALL, "", "");
        }

        /** @return whether the method's views are used as they are */
        public boolean isDefault() {
            return equals(defaults());
        }
    }
}
