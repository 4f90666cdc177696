package io.sslbench.core.nn.fast;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Batch-normalisation kernels over contiguous float data laid out as {@code [N, C, S]} (c order): NCHW activations
 * with {@code S = H * W}, or {@code [N, C]} feature rows with {@code S = 1}. Statistics are per channel over the
 * {@code M = N * S} values of that channel; sums are accumulated in double.
 *
 * <p>Formulas (Ioffe &amp; Szegedy 2015, Alg. 1 and its backward), with {@code m} the mean, {@code v} the biased
 * variance, {@code r = 1 / sqrt(v + eps)} and {@code xhat = (x - m) r}:
 * <pre>
 *   forward (training):  y = gamma * xhat + beta
 *   backward:            dbeta = sum dy,  dgamma = sum dy * xhat,
 *                        dx = gamma r (dy - dbeta / M - xhat dgamma / M)
 * </pre>
 * Channels are processed in parallel (each channel by one thread, so results do not depend on the thread count).
 */
final class BnKernels {
    /** Below this many values in total a kernel runs on the calling thread only. */
    private static final long PARALLEL_MIN = 1L << 15;

    private BnKernels() {}

    /**
     * Training-mode forward: batch statistics, normalisation, scale and shift, per group of rows.
     *
     * @param x      input {@code [N, C, S]}
     * @param y      output, same layout (may not alias {@code x})
     * @param groups G: the sets of rows normalised with their own statistics
     * @param blocks B, a multiple of G dividing N: the rows are B contiguous blocks of N/B rows, block {@code b} in
     *               group {@code b mod G}. B = G: group g is rows {@code [g N/G, (g+1) N/G)} (BN per view); B = V G
     *               for V stacked views of N/V rows each split into G "devices": group g is device g's rows of every
     *               view (per-device BN over all views)
     * @param gamma  scale per channel
     * @param beta   shift per channel
     * @param mean   out: batch mean per group and channel, {@code [G][C]}
     * @param var    out: biased batch variance per group and channel
     * @param invStd out: {@code 1 / sqrt(var + eps)} per group and channel
     */
    static void forwardTrain(FloatBuffer x, FloatBuffer y, int n, int c, int s, int groups, int blocks, float[] gamma,
                             float[] beta, double eps, double[][] mean, double[][] var, double[][] invStd) {
        int rows = n / blocks; // rows per block
        double count = (double) (n / groups) * s;
        if (s == 1) {
            float[] a = new float[c], b = new float[c];
            double[] sum = new double[c];
            for (int g = 0; g < groups; g++) {
                Arrays.fill(sum, 0);
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int i = blk * rows; i < (blk + 1) * rows; i++) {
                        int base = i * c;
                        for (int ch = 0; ch < c; ch++) {
                            sum[ch] += x.get(base + ch);
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    mean[g][ch] = sum[ch] / count;
                    sum[ch] = 0;
                }
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int i = blk * rows; i < (blk + 1) * rows; i++) {
                        int base = i * c;
                        for (int ch = 0; ch < c; ch++) {
                            double d = x.get(base + ch) - mean[g][ch];
                            sum[ch] += d * d;
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    var[g][ch] = sum[ch] / count;
                    invStd[g][ch] = 1.0 / Math.sqrt(var[g][ch] + eps);
                    a[ch] = (float) (gamma[ch] * invStd[g][ch]);
                    b[ch] = (float) (beta[ch] - mean[g][ch] * gamma[ch] * invStd[g][ch]);
                }
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int i = blk * rows; i < (blk + 1) * rows; i++) {
                        int base = i * c;
                        for (int ch = 0; ch < c; ch++) {
                            y.put(base + ch, x.get(base + ch) * a[ch] + b[ch]);
                        }
                    }
                }
            }
            return;
        }
        channels(c, (long) n * c * s, ch -> {
            float[] v = gather(x, n, c, s, ch, SCRATCH_A.get());
            int len = rows * s;
            for (int g = 0; g < groups; g++) {
                double total = 0;
                for (int blk = g; blk < blocks; blk += groups) {
                    total += sum(v, blk * len, len);
                }
                double m = total / count;
                double dev = 0;
                for (int blk = g; blk < blocks; blk += groups) {
                    dev += squaredDeviation(v, blk * len, len, (float) m);
                }
                double var0 = dev / count;
                double r = 1.0 / Math.sqrt(var0 + eps);
                mean[g][ch] = m;
                var[g][ch] = var0;
                invStd[g][ch] = r;
                float a = (float) (gamma[ch] * r);
                float b = (float) (beta[ch] - m * gamma[ch] * r);
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int j = blk * len; j < (blk + 1) * len; j++) {
                        v[j] = v[j] * a + b;
                    }
                }
            }
            scatter(v, y, n, c, s, ch);
        });
    }

    /**
     * Inference-mode forward with given statistics: {@code y = x * a + b}, {@code a = gamma r}, {@code b = beta - m a}.
     */
    static void forwardAffine(FloatBuffer x, FloatBuffer y, int n, int c, int s, float[] a, float[] b) {
        if (s == 1) {
            for (int i = 0; i < n; i++) {
                int base = i * c;
                for (int ch = 0; ch < c; ch++) {
                    y.put(base + ch, x.get(base + ch) * a[ch] + b[ch]);
                }
            }
            return;
        }
        channels(c, (long) n * c * s, ch -> {
            float[] v = gather(x, n, c, s, ch, SCRATCH_A.get());
            float ac = a[ch], bc = b[ch];
            for (int j = 0, len = n * s; j < len; j++) {
                v[j] = v[j] * ac + bc;
            }
            scatter(v, y, n, c, s, ch);
        });
    }

    /**
     * Training-mode backward (batch statistics of the forward, per group of rows as there).
     *
     * @param x      the forward's input {@code [N, C, S]}
     * @param dy     gradient at the output, same layout
     * @param dx     out: gradient at the input, same layout (may alias {@code dy})
     * @param groups the forward's groups
     * @param blocks the forward's blocks (see {@link #forwardTrain})
     * @param dGamma out: {@code sum dy * xhat} per channel, summed over the groups
     * @param dBeta  out: {@code sum dy} per channel, summed over the groups
     */
    static void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int n, int c, int s, int groups, int blocks,
                         float[] gamma, double[][] mean, double[][] invStd, float[] dGamma, float[] dBeta) {
        int rows = n / blocks;
        double count = (double) (n / groups) * s;
        Arrays.fill(dGamma, 0);
        Arrays.fill(dBeta, 0);
        float[] ka = new float[c], kb = new float[c], kc = new float[c], gGamma = new float[c], gBeta = new float[c];
        if (s == 1) {
            double[] sdy = new double[c], sdyx = new double[c];
            for (int g = 0; g < groups; g++) {
                Arrays.fill(sdy, 0);
                Arrays.fill(sdyx, 0);
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int i = blk * rows; i < (blk + 1) * rows; i++) {
                        int base = i * c;
                        for (int ch = 0; ch < c; ch++) {
                            double d = dy.get(base + ch);
                            sdy[ch] += d;
                            sdyx[ch] += d * (x.get(base + ch) - mean[g][ch]);
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    coefficients(ch, gamma, mean[g], invStd[g], sdy[ch], sdyx[ch], count, gGamma, gBeta, ka, kb, kc);
                    dGamma[ch] += gGamma[ch];
                    dBeta[ch] += gBeta[ch];
                }
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int i = blk * rows; i < (blk + 1) * rows; i++) {
                        int base = i * c;
                        for (int ch = 0; ch < c; ch++) {
                            dx.put(base + ch, dy.get(base + ch) * ka[ch] + x.get(base + ch) * kb[ch] + kc[ch]);
                        }
                    }
                }
            }
            return;
        }
        channels(c, (long) n * c * s, ch -> {
            int len = rows * s;
            float[] gr = gather(dy, n, c, s, ch, SCRATCH_A.get());
            float[] v = gather(x, n, c, s, ch, SCRATCH_B.get());
            float dg = 0, db = 0;
            for (int g = 0; g < groups; g++) {
                double sdy = 0, sdyx = 0;
                for (int blk = g; blk < blocks; blk += groups) {
                    sdy += sum(gr, blk * len, len);
                    sdyx += dot(gr, v, blk * len, len, (float) mean[g][ch]);
                }
                // each channel's slots of the shared arrays belong to the one thread that runs it
                coefficients(ch, gamma, mean[g], invStd[g], sdy, sdyx, count, gGamma, gBeta, ka, kb, kc);
                dg += gGamma[ch];
                db += gBeta[ch];
                float a = ka[ch], b = kb[ch], k = kc[ch];
                for (int blk = g; blk < blocks; blk += groups) {
                    for (int j = blk * len; j < (blk + 1) * len; j++) {
                        gr[j] = gr[j] * a + v[j] * b + k;
                    }
                }
            }
            dGamma[ch] = dg;
            dBeta[ch] = db;
            scatter(gr, dx, n, c, s, ch);
        });
    }

    /**
     * dx = a dy + b x + k per channel, from dx = gamma r (dy - sdy/M - (x - m) r^2 sdyx / M):
     * a = gamma r, b = -gamma r^3 sdyx / M, k = -gamma r sdy / M + gamma r^3 sdyx m / M.
     */
    private static void coefficients(int ch, float[] gamma, double[] mean, double[] invStd, double sdy, double sdyx,
                                     double count, float[] dGamma, float[] dBeta, float[] ka, float[] kb, float[] kc) {
        double r = invStd[ch], g = gamma[ch];
        dBeta[ch] = (float) sdy;
        dGamma[ch] = (float) (sdyx * r);
        double r3 = r * r * r;
        ka[ch] = (float) (g * r);
        kb[ch] = (float) (-g * r3 * sdyx / count);
        kc[ch] = (float) (-g * r * sdy / count + g * r3 * sdyx * mean[ch] / count);
    }

    /** Per-thread scratch holding one channel's values (N planes of S), grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH_A = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<float[][]> SCRATCH_B = ThreadLocal.withInitial(() -> new float[1][0]);

    /** Copies channel {@code ch} of {@code [N, C, S]} (N planes of S contiguous values) into a heap array. */
    private static float[] gather(FloatBuffer src, int n, int c, int s, int ch, float[][] holder) {
        int len = n * s;
        if (holder[0].length < len) {
            holder[0] = new float[len];
        }
        float[] v = holder[0];
        for (int i = 0; i < n; i++) {
            src.get((i * c + ch) * s, v, i * s, s);
        }
        return v;
    }

    /** Inverse of {@link #gather}. */
    private static void scatter(float[] v, FloatBuffer dst, int n, int c, int s, int ch) {
        for (int i = 0; i < n; i++) {
            dst.put((i * c + ch) * s, v, i * s, s);
        }
    }

    /** Sum of {@code v[off..off+len)}: four float partial sums per block of 256 values, blocks added in double. */
    private static double sum(float[] v, int off, int len) {
        double total = 0;
        for (int start = off; start < off + len; start += 256) {
            int end = Math.min(off + len, start + 256), j = start;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; j + 3 < end; j += 4) {
                s0 += v[j];
                s1 += v[j + 1];
                s2 += v[j + 2];
                s3 += v[j + 3];
            }
            for (; j < end; j++) {
                s0 += v[j];
            }
            total += (double) s0 + s1 + s2 + s3;
        }
        return total;
    }

    /** Sum of {@code (v[j] - m)^2}, blocked as {@link #sum}. */
    private static double squaredDeviation(float[] v, int off, int len, float m) {
        double total = 0;
        for (int start = off; start < off + len; start += 256) {
            int end = Math.min(off + len, start + 256), j = start;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; j + 3 < end; j += 4) {
                float d0 = v[j] - m, d1 = v[j + 1] - m, d2 = v[j + 2] - m, d3 = v[j + 3] - m;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; j < end; j++) {
                float d = v[j] - m;
                s0 += d * d;
            }
            total += (double) s0 + s1 + s2 + s3;
        }
        return total;
    }

    /** Sum of {@code g[j] * (x[j] - m)}, blocked as {@link #sum}. */
    private static double dot(float[] g, float[] x, int off, int len, float m) {
        double total = 0;
        for (int start = off; start < off + len; start += 256) {
            int end = Math.min(off + len, start + 256), j = start;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; j + 3 < end; j += 4) {
                s0 += g[j] * (x[j] - m);
                s1 += g[j + 1] * (x[j + 1] - m);
                s2 += g[j + 2] * (x[j + 2] - m);
                s3 += g[j + 3] * (x[j + 3] - m);
            }
            for (; j < end; j++) {
                s0 += g[j] * (x[j] - m);
            }
            total += (double) s0 + s1 + s2 + s3;
        }
        return total;
    }

    private static void channels(int c, long total, IntConsumer body) {
        if (total < PARALLEL_MIN) {
            for (int ch = 0; ch < c; ch++) {
                body.accept(ch);
            }
        } else {
            IntStream.range(0, c).parallel().forEach(body);
        }
    }
}
