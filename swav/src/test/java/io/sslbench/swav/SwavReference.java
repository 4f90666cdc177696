package io.sslbench.swav;

import io.sslbench.core.loss.Cosine;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Naive double-loop transcriptions of facebookresearch/swav main_swav.py, for tests. */
final class SwavReference {
    private SwavReference() {}

    /** Scores of l2-normalised random features against l2-normalised random prototypes: [rows, k] in [-1, 1]. */
    static INDArray scores(long seed, int rows, int k, int dim) {
        Nd4j.getRandom().setSeed(seed);
        INDArray f = Cosine.normalizeRows(Nd4j.randn(DataType.DOUBLE, rows, dim));
        INDArray c = Cosine.normalizeRows(Nd4j.randn(DataType.DOUBLE, k, dim));
        return f.mmul(c.transpose());
    }

    /**
     * {@code distributed_sinkhorn} with world size 1, written with loops on Q = exp(out/eps)^T [K,B];
     * returns the last {@code keep} samples' codes as [keep][K].
     */
    static double[][] sinkhorn(double[][] out, double eps, int iterations, int keep) {
        int b = out.length, k = out[0].length;
        double[][] q = new double[k][b];
        double total = 0;
        for (int kk = 0; kk < k; kk++) {
            for (int bb = 0; bb < b; bb++) {
                q[kk][bb] = Math.exp(out[bb][kk] / eps);
                total += q[kk][bb];
            }
        }
        for (double[] row : q) {
            for (int bb = 0; bb < b; bb++) {
                row[bb] /= total;
            }
        }
        for (int it = 0; it < iterations; it++) {
            for (double[] row : q) {            // normalise each row: total weight per prototype 1/K
                double s = 0;
                for (double v : row) {
                    s += v;
                }
                for (int bb = 0; bb < b; bb++) {
                    row[bb] = row[bb] / s / k;
                }
            }
            for (int bb = 0; bb < b; bb++) {    // normalise each column: total weight per sample 1/B
                double s = 0;
                for (int kk = 0; kk < k; kk++) {
                    s += q[kk][bb];
                }
                for (int kk = 0; kk < k; kk++) {
                    q[kk][bb] = q[kk][bb] / s / b;
                }
            }
        }
        double[][] codes = new double[keep][k];
        for (int i = 0; i < keep; i++) {
            for (int kk = 0; kk < k; kk++) {
                codes[i][kk] = q[kk][b - keep + i] * b;  // Q *= B; return Q.t()[-bs:]
            }
        }
        return codes;
    }

    static double[][] rows(INDArray m, long from, long count) {
        double[][] r = new double[(int) count][];
        for (int i = 0; i < count; i++) {
            r[i] = m.getRow(from + i).toDoubleVector();
        }
        return r;
    }

    /**
     * The loss block of main_swav.py's train(), with loops. {@code fixedCodes}: null to compute codes
     * from {@code scores} (and the queue), else the codes to use (detached), one [B][K] per assign crop.
     */
    static double loss(INDArray scores, int bs, int numCrops, int[] cropsForAssign, double temperature, double eps,
                       int iterations, double[][][] queue, double[][][] fixedCodes) {
        int k = (int) scores.size(1);
        double loss = 0;
        for (int i = 0; i < cropsForAssign.length; i++) {
            int cropId = cropsForAssign[i];
            double[][] q;
            if (fixedCodes != null) {
                q = fixedCodes[i];
            } else {
                double[][] out = rows(scores, (long) bs * cropId, bs);
                if (queue != null) {                     // out = cat(queue_scores, out)
                    double[][] cat = new double[queue[i].length + bs][];
                    System.arraycopy(queue[i], 0, cat, 0, queue[i].length);
                    System.arraycopy(out, 0, cat, queue[i].length, bs);
                    out = cat;
                }
                q = sinkhorn(out, eps, iterations, bs);
            }
            double subloss = 0;
            for (int v = 0; v < numCrops; v++) {
                if (v == cropId) {
                    continue;
                }
                double[][] x = rows(scores, (long) bs * v, bs);
                double mean = 0;
                for (int b = 0; b < bs; b++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int kk = 0; kk < k; kk++) {
                        max = Math.max(max, x[b][kk] / temperature);
                    }
                    double z = 0;
                    for (int kk = 0; kk < k; kk++) {
                        z += Math.exp(x[b][kk] / temperature - max);
                    }
                    double lse = max + Math.log(z);
                    double s = 0;
                    for (int kk = 0; kk < k; kk++) {
                        s += q[b][kk] * (x[b][kk] / temperature - lse);   // q * log_softmax
                    }
                    mean += s / bs;
                }
                subloss -= mean;
            }
            loss += subloss / (numCrops - 1);
        }
        return loss / cropsForAssign.length;
    }
}
