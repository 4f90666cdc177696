package io.sslbench.core.engine;

import io.sslbench.core.util.Gemm;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Online linear probe (solo-learn style): a softmax classifier trained with SGD on DETACHED encoder
 * features during pretraining, so a collapse or a broken run shows early. Its accuracy is measured
 * on each batch before the batch is used for its update (an honest running estimate).
 */
public final class OnlineProbe {
    private final INDArray w;
    private final INDArray b;
    private final double lr;
    private long correct;
    private long seen;

    public OnlineProbe(int featureDim, int numClasses, double lr) {
        this.w = Nd4j.zeros(featureDim, numClasses);
        this.b = Nd4j.zeros(1, numClasses);
        this.lr = lr;
    }

    /**
     * Scores the batch, then takes one SGD step on the cross-entropy.
     *
     * @param features [N, D] detached features (cast to float)
     * @param labels   N labels; rows with label -1 are ignored
     */
    public void update(INDArray features, int[] labels) {
        int n = labels.length;
        int[] keep = IntStream.range(0, n).filter(i -> labels[i] >= 0).toArray();
        if (keep.length == 0) {
            return;
        }
        INDArray x = features.get(NDArrayIndex.indices(toLong(keep)))
                .castTo(w.dataType());
        // standardise per sample so the probe's step size does not depend on the feature scale
        INDArray mu = x.mean(true, 1);
        INDArray sd = x.std(true, 1).addi(1e-6);
        x = x.subColumnVector(mu).diviColumnVector(sd);
        INDArray logits = Gemm.gemm(x, w, false, false).addiRowVector(b);
        INDArray p = Transforms.softmax(logits, true);
        INDArray argmax = logits.argMax(1);
        INDArray y = Nd4j.zeros(w.dataType(), keep.length, w.size(1));
        for (int i = 0; i < keep.length; i++) {
            int lab = labels[keep[i]];
            if (lab >= w.size(1)) {
                throw new IllegalArgumentException("label " + lab + " >= probe classes " + w.size(1));
            }
            y.putScalar(i, lab, 1.0);
            if (argmax.getInt(i) == lab) {
                correct++;
            }
        }
        seen += keep.length;
        INDArray d = p.subi(y).divi(keep.length);
        w.subi(Gemm.gemm(x, d, true, false).muli(lr));
        b.subi(d.sum(true, 0).muli(lr));
    }

    /** @return accuracy since the last {@link #resetAccuracy()} (NaN if nothing seen) */
    public double accuracy() {
        return seen == 0 ? Double.NaN : (double) correct / seen;
    }

    public void resetAccuracy() {
        correct = 0;
        seen = 0;
    }

    Map<String, INDArray> state() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("w", w.dup());
        m.put("b", b.dup());
        return m;
    }

    /** @return the accuracy counters since the last {@link #resetAccuracy()}, as checkpoint figures */
    Map<String, Double> counters(String prefix) {
        return Map.of(prefix + "correct", (double) correct, prefix + "seen", (double) seen);
    }

    void restoreCounters(String prefix, Map<String, Double> figures) {
        correct = figures.getOrDefault(prefix + "correct", 0.0).longValue();
        seen = figures.getOrDefault(prefix + "seen", 0.0).longValue();
    }

    void restore(Map<String, INDArray> s) {
        w.assign(s.get("w"));
        b.assign(s.get("b"));
    }

    private static long[] toLong(int[] a) {
        long[] o = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i];
        }
        return o;
    }
}
