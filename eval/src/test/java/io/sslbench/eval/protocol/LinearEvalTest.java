package io.sslbench.eval.protocol;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.SharedDataAccess;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.nn.BackboneSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The papers' linear evaluation: its gradient, optimisers, schedules, official settings, and a run on real images. */
class LinearEvalTest {
    private static LinearEvalConfig sgd(double lr, double momentum, boolean nesterov, double wd) {
        return new LinearEvalConfig("sgd", lr, momentum, nesterov, wd, 1, 4, "cosine", List.of(), false, false, 0.001, 3,
                "test");
    }

    /** The batch's mean cross-entropy at (w, b), straight from the formula. */
    private static double loss(float[][] x, int[] y, double[] w, double[] b, int f, int c) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double[] z = new double[c];
            for (int k = 0; k < c; k++) {
                z[k] = b[k];
                for (int j = 0; j < f; j++) {
                    z[k] += x[i][j] * w[j * c + k];
                }
            }
            double max = java.util.Arrays.stream(z).max().orElseThrow(), s = 0;
            for (double v : z) {
                s += Math.exp(v - max);
            }
            sum -= z[y[i]] - max - Math.log(s);
        }
        return sum / x.length;
    }

    private static float[][] randomRows(int n, int f, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][f];
        for (float[] row : x) {
            for (int j = 0; j < f; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void aPlainSgdStepFollowsTheFiniteDifferenceGradientOfTheMeanCrossEntropy() {
        int f = 5, c = 3;
        float[][] x = randomRows(4, f, 1);
        int[] y = {0, 2, 1, 2};
        LinearEval.Classifier clf = new LinearEval.Classifier(f, c, sgd(1e-3, 0, false, 0));
        double[] w0 = clf.w.clone(), b0 = clf.b.clone();
        double reported = clf.step(x, y, 1e-3);
        assertEquals(loss(x, y, w0, b0, f, c), reported, 1e-12);
        double h = 1e-6;
        for (int i = 0; i < w0.length; i++) {
            double[] p = w0.clone(), m = w0.clone();
            p[i] += h;
            m[i] -= h;
            double numeric = (loss(x, y, p, b0, f, c) - loss(x, y, m, b0, f, c)) / (2 * h);
            assertEquals(numeric, (w0[i] - clf.w[i]) / 1e-3, 1e-6, "dL/dW[" + i + "]");
        }
        for (int k = 0; k < c; k++) {
            double[] p = b0.clone(), m = b0.clone();
            p[k] += h;
            m[k] -= h;
            double numeric = (loss(x, y, w0, p, f, c) - loss(x, y, w0, m, f, c)) / (2 * h);
            assertEquals(numeric, (b0[k] - clf.b[k]) / 1e-3, 1e-6, "dL/db[" + k + "]");
        }
    }

    @Test
    void zeroWeightsGiveTheUniformLossAndMomentumWeightDecayAndNesterovFollowPyTorch() {
        int f = 3, c = 4;
        float[][] x = randomRows(6, f, 2);
        int[] y = {0, 1, 2, 3, 0, 1};
        LinearEvalConfig zero = new LinearEvalConfig("sgd", 0.1, 0.9, true, 0.01, 1, 6, "cosine", List.of(), false, true,
                0.001, 0, "test");
        LinearEval.Classifier clf = new LinearEval.Classifier(f, c, zero);
        assertTrue(java.util.Arrays.stream(clf.w).allMatch(v -> v == 0), "zero init"); // exact: assigned zeros
        assertEquals(Math.log(c), clf.step(x, y, 0.1), 1e-12, "uniform logits: loss ln C");
        // a reference transcription of torch.optim.SGD(nesterov=True, weight_decay=wd) over two steps
        LinearEval.Classifier ref = new LinearEval.Classifier(f, c, sgd(1, 0, false, 0)); // gradients only
        double[] w = new double[f * c], b = new double[c], vw = new double[f * c], vb = new double[c];
        LinearEval.Classifier again = new LinearEval.Classifier(f, c, zero);
        for (int t = 0; t < 2; t++) {
            System.arraycopy(w, 0, ref.w, 0, w.length);
            System.arraycopy(b, 0, ref.b, 0, c);
            ref.step(x, y, 1.0);                        // lr 1, no momentum: w - w' is the gradient
            double[] gw = new double[w.length], gb = new double[c];
            for (int i = 0; i < w.length; i++) {
                gw[i] = (w[i] - ref.w[i]) + 0.01 * w[i];
            }
            for (int k = 0; k < c; k++) {
                gb[k] = (b[k] - ref.b[k]) + 0.01 * b[k];
            }
            for (int i = 0; i < w.length; i++) {
                vw[i] = 0.9 * vw[i] + gw[i];
                w[i] -= 0.1 * (gw[i] + 0.9 * vw[i]);
            }
            for (int k = 0; k < c; k++) {
                vb[k] = 0.9 * vb[k] + gb[k];
                b[k] -= 0.1 * (gb[k] + 0.9 * vb[k]);
            }
            again.step(x, y, 0.1);
        }
        assertArrayEquals(w, again.w, 1e-12);
        assertArrayEquals(b, again.b, 1e-12);
    }

    @Test
    void larsScalesTheWeightStepToEtaTimesTheWeightNormAndLeavesTheBiasPlain() {
        int f = 4, c = 3;
        float[][] x = randomRows(8, f, 3);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        LinearEvalConfig lars = new LinearEvalConfig("lars", 0.5, 0, false, 0, 1, 8, "cosine", List.of(), false, false,
                0.02, 5, "test");
        LinearEval.Classifier clf = new LinearEval.Classifier(f, c, lars);
        double[] w0 = clf.w.clone(), b0 = clf.b.clone();
        LinearEval.Classifier plain = new LinearEval.Classifier(f, c, sgd(0.5, 0, false, 0));
        System.arraycopy(w0, 0, plain.w, 0, w0.length);
        clf.step(x, y, 0.5);
        plain.step(x, y, 0.5);
        double dn = 0, wn = 0;
        for (int i = 0; i < w0.length; i++) {
            dn += (clf.w[i] - w0[i]) * (clf.w[i] - w0[i]);
            wn += w0[i] * w0[i];
        }
        assertEquals(0.5 * 0.02 * Math.sqrt(wn), Math.sqrt(dn), 1e-12, "||dW|| = lr * eta * ||W||");
        assertArrayEquals(plain.b, clf.b, 1e-15, "the bias takes the plain step");
        assertFalse(java.util.Arrays.equals(b0, clf.b));
    }

    @Test
    void schedulesAndTheOfficialSettingsPerMethod() {
        LinearEvalConfig moco = LinearEvalConfig.forMethod("moco-v2");
        assertEquals(List.of(60, 80), moco.milestones());
        assertEquals(30, moco.lrAt(0), 1e-12);
        assertEquals(30, moco.lrAt(59), 1e-12);
        assertEquals(3, moco.lrAt(60), 1e-12);
        assertEquals(0.3, moco.lrAt(99), 1e-12);
        LinearEvalConfig short10 = moco.withEpochs(10);
        assertEquals(List.of(6, 8), short10.milestones(), "milestones kept at 60% and 80% of the run");
        LinearEvalConfig simsiam = LinearEvalConfig.forMethod("simsiam");
        assertEquals("lars", simsiam.optimizer());
        assertEquals(90, simsiam.epochs());
        assertEquals(0.1, simsiam.lrAt(0), 1e-12);
        assertEquals(0.05, simsiam.lrAt(45), 1e-12);
        assertTrue(LinearEvalConfig.forMethod("simclr").nesterov() && LinearEvalConfig.forMethod("simclr").zeroInit());
        assertEquals(1e-6, LinearEvalConfig.forMethod("swav").weightDecay(), 0); // exact: the literal stored, no arithmetic
        assertEquals(80, LinearEvalConfig.forMethod("byol").epochs());
        for (String m : List.of("moco-v1", "moco-v2", "simsiam", "simclr", "simclr-v2", "byol", "swav")) {
            assertTrue(LinearEvalConfig.forMethod(m).augment(), m + ": the official protocol augments");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinearEvalConfig.forMethod("dino"));
        assertTrue(e.getMessage().contains("dino") && e.getMessage().contains("not a registered method"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearEvalConfig("sgd", 0.1, 0.9, false, 0, 10, 256,
                "steps", List.of(), true, false, 0.001, 0, "steps without milestones"));
        assertThrows(IllegalArgumentException.class, () -> new LinearEvalConfig("adam", 0.1, 0.9, false, 0, 10, 256,
                "cosine", List.of(), true, false, 0.001, 0, "x"));
    }

    @Test
    void separableFeaturesAreLearnt() {
        int n = 200, f = 8, c = 4;
        Random r = new Random(4);
        float[][] x = new float[n][f];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % c;
            for (int j = 0; j < f; j++) {
                x[i][j] = (float) (0.3 * r.nextGaussian() + (j == y[i] ? 2 : 0));
            }
        }
        LinearEval.Classifier clf = new LinearEval.Classifier(f, c, sgd(0.5, 0.9, false, 0));
        for (int epoch = 0; epoch < 20; epoch++) {
            for (int from = 0; from < n; from += 20) {
                clf.step(java.util.Arrays.copyOfRange(x, from, from + 20), java.util.Arrays.copyOfRange(y, from, from + 20), 0.5);
            }
        }
        assertEquals(1.0, Accuracy.topK(clf.scores(x), y, 1), 1e-12);
    }

    @Test
    void theAugmentedProtocolRunsOnRealImagesLeavesTheEncoderAloneAndIsReproducible() {
        ImageDataset train = SharedDataAccess.cifarRecords(0, 300, "lin-train");
        ImageDataset test = SharedDataAccess.cifarRecords(300, 500, "lin-test");
        RunConfig cfg = RunConfig.from(ConfigTree.override(ConfigTree.load("moco-v2-cifar10"), List.of("backbone=small-imagenet")));
        SslMethod m = MethodProvider.forConfig(cfg);
        OnlineNetwork.Built net = OnlineNetwork.build(OnlineNetwork.EncoderFactory.of(BackboneSpec.parse("small-imagenet"),
                m.zeroInitResidual()), m, 3, 32, 0, DataType.FLOAT);
        float[] mean = Presets.Target.CIFAR.normalization().mean(), std = Presets.Target.CIFAR.normalization().std();
        INDArray ftr = FeatureExtractor.extract(net.graph(), net.featuresVertex(), train, mean, std, 128);
        INDArray fte = FeatureExtractor.extract(net.graph(), net.featuresVertex(), test, mean, std, 128);
        INDArray before = net.graph().params().dup();
        LinearEvalConfig c = LinearEvalConfig.forMethod("moco-v2").withEpochs(3);
        LinearEval.Result a = LinearEval.run(net.graph(), net.featuresVertex(), train, ftr, fte, test.labels(),
                Presets.Target.CIFAR, Presets.Target.CIFAR.normalization(), c);
        LinearEval.Result b = LinearEval.run(net.graph(), net.featuresVertex(), train, ftr, fte, test.labels(),
                Presets.Target.CIFAR, Presets.Target.CIFAR.normalization(), c);
        SanityCheck.assertUnchanged(before, net.graph());
        assertEquals(3L * 2, a.steps(), "300 images at batch 256: 2 steps an epoch");
        assertTrue(Double.isFinite(a.finalLoss()) && a.top1() > 0 && a.top1() <= a.top5(), a.describe());
        // exact: both sides run the same code (augmentation, encoder kernels, the classifier's Java) on the same shapes
        // with the same threads in one process, so they cannot differ even in the last digit on any CPU
        assertEquals(a.top1(), b.top1(), 0.0);
        assertEquals(a.finalLoss(), b.finalLoss(), 0.0);
        // the unaugmented variant trains on the given features: different numbers from the same encoder
        LinearEval.Result plain = LinearEval.run(net.graph(), net.featuresVertex(), train, ftr, fte, test.labels(),
                Presets.Target.CIFAR, Presets.Target.CIFAR.normalization(), c.withAugment(false));
        assertNotEquals(a.finalLoss(), plain.finalLoss());
        assertTrue(a.describe().contains("crop+flip") && plain.describe().contains("unaugmented"), plain.describe());
        assertThrows(IllegalArgumentException.class, () -> LinearEval.run(net.graph(), net.featuresVertex(), train,
                Nd4j.zeros(DataType.FLOAT, 10, ftr.size(1)), fte, test.labels(), Presets.Target.CIFAR,
                Presets.Target.CIFAR.normalization(), c));
    }
}
