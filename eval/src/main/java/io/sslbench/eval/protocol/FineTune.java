package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.Tensors;
import io.sslbench.core.nn.fast.FastBatchNormalization;
import io.sslbench.core.util.Randoms;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Semi-supervised evaluation by fine-tuning (SimCLR Sec. 6; SimCLR v2 fine-tunes "from the first layer of the
 * projection head"): the whole pretrained network up to {@code fromVertex} plus a new softmax classifier is
 * trained on a labelled subset with SGD + Nesterov momentum and a cosine learning-rate schedule, then evaluated
 * in inference mode on the test split.
 *
 * <p>The caller's graph is never modified: the graph is cloned before DL4J's {@code TransferLearning.GraphBuilder}
 * removes every vertex that does not feed {@code fromVertex} (projection layers above it, predictors, old
 * outputs) and adds the classifier.
 */
public final class FineTune {
    private FineTune() {}

    /** Name of the added classifier vertex. */
    public static final String CLASSIFIER = "finetune_classifier";

    /**
     * Result of one fine-tuning run (fractions in [0, 1]).
     *
     * @param top1        test top-1
     * @param top5        test top-5 (1.0 with fewer than 5 classes)
     * @param numLabelled labelled training images used
     * @param numTest     test images
     * @param epochs      epochs trained
     * @param iterations  optimiser steps
     * @param finalLoss   mean training loss of the last epoch
     * @param config      settings used
     */
    public record Result(double top1, double top5, int numLabelled, int numTest, int epochs, int iterations,
                         double finalLoss, FineTuneConfig config) {
        /** @return one line naming the protocol and its parameters */
        public String describe() {
            return String.format(Locale.ROOT, "fine-tune (whole network + softmax classifier, SGD Nesterov %.2f, "
                            + "cosine lr %s, wd %s, batch %d, %d epochs, flip %s) on %d labelled / %d test: "
                            + "top1=%.4f top5=%.4f (last-epoch loss %.4f)", config.momentum(),
                    config.learningRate(), config.weightDecay(), config.batchSize(), epochs,
                    config.randomFlip() ? "on" : "off", numLabelled, numTest, top1, top5, finalLoss);
        }
    }

    /**
     * Fine-tunes a copy of {@code pretrained} on {@code train[subset]} and evaluates it on {@code test}.
     *
     * @param pretrained the pretrained graph (not modified)
     * @param fromVertex vertex whose [B, width] activations feed the new classifier (its width is measured by
     *                   one inference pass: an encoder's pooled features, or SimCLR v2's first projection layer)
     * @param train      labelled training images
     * @param subset     indices into {@code train} (e.g. from {@link SemiSupervisedSubsets}), non-empty
     * @param test       test images with the same classes
     * @param cfg        optimisation settings and the pretraining normalisation
     */
    public static Result run(ComputationGraph pretrained, String fromVertex, ImageDataset train,
                             int[] subset, ImageDataset test, FineTuneConfig cfg) {
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train classes " + train.classNames() + " differ from test classes "
                    + test.classNames());
        }
        if (subset.length == 0) {
            throw new IllegalArgumentException("empty labelled subset");
        }
        for (int i : subset) {
            if (i < 0 || i >= train.size()) {
                throw new IllegalArgumentException("subset index " + i + " outside " + train.name() + " of "
                        + train.size() + " images");
            }
            if (train.labels()[i] < 0) {
                throw new IllegalArgumentException("subset image " + i + " of " + train.name() + " is unlabelled");
            }
        }
        int numClasses = train.numClasses();
        int stepsPerEpoch = (subset.length + cfg.batchSize() - 1) / cfg.batchSize();
        int total = stepsPerEpoch * cfg.epochs();
        ComputationGraph net = buildClassifier(pretrained, fromVertex, outputWidth(pretrained, fromVertex, train, subset[0], cfg),
                numClasses, cfg, total);

        Random rnd = new Random(cfg.seed());
        int[] order = subset.clone();
        double lastLoss = Double.NaN;
        float[] mean = cfg.mean(), std = cfg.std();
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            Randoms.shuffle(order, rnd::nextInt);
            double sum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * cfg.batchSize(), b = Math.min(cfg.batchSize(), order.length - from);
                int[] idx = Arrays.copyOfRange(order, from, from + b);
                INDArray x = Tensors.toNchw(train, idx, mean, std);
                if (cfg.randomFlip()) {
                    x = flipRandomly(x, rnd);
                }
                INDArray y = Nd4j.zeros(DataType.FLOAT, b, numClasses);
                for (int i = 0; i < b; i++) {
                    y.putScalar(i, train.labels()[idx[i]], 1f);
                }
                net.fit(new DataSet(x, y));
                sum += net.score();
            }
            lastLoss = sum / stepsPerEpoch;
            net.getConfiguration().setEpochCount(epoch + 1);
        }

        double[][] scores = new double[test.size()][];
        for (int from = 0; from < test.size(); from += cfg.batchSize()) {
            int b = Math.min(cfg.batchSize(), test.size() - from);
            int[] idx = IntStream.range(from, from + b).toArray();
            double[][] p = net.output(false, Tensors.toNchw(test, idx, mean, std))[0].toDoubleMatrix();
            System.arraycopy(p, 0, scores, from, b);
        }
        return new Result(Accuracy.topK(scores, test.labels(), 1), Accuracy.topK(scores, test.labels(), 5),
                subset.length, test.size(), cfg.epochs(), total, lastLoss, cfg);
    }

    /**
     * The network that is fine-tuned: a clone of {@code pretrained} restricted to {@code fromVertex} and its
     * ancestors, with a softmax {@link OutputLayer} {@value #CLASSIFIER} ({@code featureDim -> numClasses}, MCXENT)
     * on top, every layer's updater (weights and biases) replaced by Nesterov momentum with the cosine schedule
     * over {@code totalIterations}, weight decay as L2 on weights, and the iteration/epoch counters reset to 0
     * (a pretrained graph carries its pretraining count, which would otherwise index the schedule).
     */
    public static ComputationGraph buildClassifier(ComputationGraph pretrained, String fromVertex, int featureDim,
                                                   int numClasses, FineTuneConfig cfg, int totalIterations) {
        ComputationGraphConfiguration conf = pretrained.getConfiguration();
        requireVertex(pretrained, fromVertex);
        if (conf.getVertices().get(fromVertex) instanceof LayerVertex lv
                && lv.getLayerConf().getLayer() instanceof FeedForwardLayer ff && ff.getNOut() != featureDim) {
            throw new IllegalArgumentException("vertex '" + fromVertex + "' outputs " + ff.getNOut()
                    + " features, but featureDim is " + featureDim);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        Set<String> keep = ancestors(conf, fromVertex);
        ISchedule lr = cosineSchedule(cfg.learningRate(), totalIterations);
        Nesterovs updater = new Nesterovs(lr, cfg.momentum());
        FineTuneConfiguration ftc = new FineTuneConfiguration.Builder()
                .updater(updater).biasUpdater(updater.clone())
                // DEVIATION: PyTorch weight_decay decays every parameter; DL4J l2 here decays weights only (default 0)
                .l2(cfg.weightDecay()).l2Bias(0.0)
                .seed(cfg.seed())
                .build();
        ComputationGraph copy = pretrained.clone();
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(copy).fineTuneConfiguration(ftc);
        for (String v : conf.getVertices().keySet()) {
            if (!keep.contains(v)) {
                b.removeVertexAndConnections(v);
            }
        }
        b.addLayer(CLASSIFIER, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(featureDim).nOut(numClasses).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER)
                .updater(updater.clone()).biasUpdater(updater.clone()).l2(cfg.weightDecay())
                .build(), fromVertex);
        b.setOutputs(CLASSIFIER);
        ComputationGraph net = b.build();
        // fine-tuning normalises each of its batches as a whole, whatever BN layout (per view, per simulated device) the
        // pretraining used: its batches need not split into the pretraining's groups (a last batch of 125 rows)
        FastBatchNormalization.applyGroups(net.getConfiguration(), 1);
        net.getConfiguration().setIterationCount(0);
        net.getConfiguration().setEpochCount(0);
        return net;
    }

    private static void requireVertex(ComputationGraph g, String vertex) {
        if (!g.getConfiguration().getVertices().containsKey(vertex)) {
            throw new IllegalArgumentException("pretrained graph has no vertex '" + vertex + "'; vertices: "
                    + g.getConfiguration().getVertices().keySet());
        }
    }

    /** @return the width of {@code vertex}'s [1, width] output for image {@code index} (inference mode) */
    static int outputWidth(ComputationGraph g, String vertex, ImageDataset ds, int index, FineTuneConfig cfg) {
        requireVertex(g, vertex);
        INDArray a = g.feedForward(Tensors.toNchw(ds, new int[]{index}, cfg.mean(), cfg.std()), false).get(vertex);
        if (a == null || a.rank() != 2) {
            throw new IllegalArgumentException("vertex '" + vertex + "' does not output [B, width] features"
                    + (a == null ? "" : ": shape " + Arrays.toString(a.shape())));
        }
        return (int) a.size(1);
    }

    /**
     * Cosine decay without warm-up (SGDR without restarts): {@code lr_t = base * (1 + cos(pi * t / T)) / 2} for
     * iteration {@code t} in [0, T), as a DL4J iteration schedule.
     */
    // DEVIATION: SimCLR App. B.5 states no decay for fine-tuning; a cosine decay to 0 is used here (as solo-learn does).
    public static ISchedule cosineSchedule(double base, int totalIterations) {
        if (totalIterations < 1) {
            throw new IllegalArgumentException("totalIterations must be >= 1, got " + totalIterations);
        }
        Map<Integer, Double> values = new HashMap<>();
        for (int t = 0; t < totalIterations; t++) {
            values.put(t, base * 0.5 * (1 + Math.cos(Math.PI * t / totalIterations)));
        }
        return new MapSchedule(ScheduleType.ITERATION, values);
    }

    /** @return {@code v} and every vertex it depends on, plus the network inputs */
    private static Set<String> ancestors(ComputationGraphConfiguration conf, String v) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(v));
        while (!todo.isEmpty()) {
            String cur = todo.pop();
            if (seen.add(cur)) {
                todo.addAll(conf.getVertexInputs().getOrDefault(cur, List.of()));
            }
        }
        seen.addAll(conf.getNetworkInputs());
        return seen;
    }


    // DEVIATION: SimCLR fine-tunes with random crop + flip; only the horizontal flip is applied here.
    /** Flips each image of an NCHW batch left-right with probability 1/2. */
    static INDArray flipRandomly(INDArray x, Random rnd) {
        long[] s = x.shape();
        int n = (int) s[0], c = (int) s[1], h = (int) s[2], w = (int) s[3];
        float[] buf = x.dup('c').data().asFloat();
        for (int i = 0; i < n; i++) {
            if (!rnd.nextBoolean()) {
                continue;
            }
            for (int row = 0; row < c * h; row++) {
                int o = (i * c * h + row) * w;
                for (int l = 0, r = w - 1; l < r; l++, r--) {
                    float t = buf[o + l];
                    buf[o + l] = buf[o + r];
                    buf[o + r] = t;
                }
            }
        }
        return Nd4j.create(buf, s, 'c');
    }
}
