package io.sslbench.core.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collapse monitor (SimSiam, Sec. 4.1): the standard deviation of the l2-normalised embeddings,
 * computed per dimension over the batch and averaged over dimensions. For embeddings spread like a
 * zero-mean isotropic Gaussian it is about {@code 1/sqrt(d)}; at complete collapse (every output the
 * same vector) it is 0.
 *
 * <p>Verdict: a run is <b>collapsed</b> when {@code std < THRESHOLD_FRACTION / sqrt(d)}, i.e. below a
 * tenth of the healthy value. SimSiam's Figure 2 shows the collapsed run's std at ~0 and the healthy
 * one near 1/sqrt(d); a tenth leaves a wide margin on both sides, so small-batch noise neither hides a
 * collapse nor flags a healthy run.
 */
public final class Collapse {
    private Collapse() {}

    public static final double THRESHOLD_FRACTION = 0.1;

    /** @param z [N, d] embeddings (N >= 2) */
    public static double std(INDArray z) {
        if (z.rank() != 2 || z.size(0) < 2) {
            throw new IllegalArgumentException("collapse std needs [N>=2, d] embeddings, got " + java.util.Arrays.toString(z.shape()));
        }
        INDArray norms = org.nd4j.linalg.ops.transforms.Transforms.max(z.norm2(true, 1), 1e-12, false);
        INDArray n = z.divColumnVector(norms);
        return n.std(true, 0).meanNumber().doubleValue();
    }

    public static boolean collapsed(double std, int d) {
        return std < THRESHOLD_FRACTION / Math.sqrt(d);
    }
}
