package io.sslbench.core.nn.fast;

import java.nio.FloatBuffer;
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
     * Training-mode forward: batch statistics, normalisation, scale and shift.
     *
     * @param x      input {@code [N, C, S]}
     * @param y      output, same layout (may not alias {@code x})
     * @param gamma  scale per channel
     * @param beta   shift per channel
     * @param mean   out: batch mean per channel
     * @param var    out: biased batch variance per channel
     * @param invStd out: {@code 1 / sqrt(var + eps)} per channel
     */
    static void forwardTrain(FloatBuffer x, FloatBuffer y, int n, int c, int s, float[] gamma, float[] beta, double eps,
                             double[] mean, double[] var, double[] invStd) {
        double count = (double) n * s;
        if (s == 1) {
            double[] sum = new double[c];
            for (int i = 0; i < n; i++) {
                int base = i * c;
                for (int ch = 0; ch < c; ch++) {
                    sum[ch] += x.get(base + ch);
                }
            }
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = sum[ch] / count;
                sum[ch] = 0;
            }
            for (int i = 0; i < n; i++) {
                int base = i * c;
                for (int ch = 0; ch < c; ch++) {
                    double d = x.get(base + ch) - mean[ch];
                    sum[ch] += d * d;
                }
            }
            float[] a = new float[c], b = new float[c];
            for (int ch = 0; ch < c; ch++) {
                var[ch] = sum[ch] / count;
                invStd[ch] = 1.0 / Math.sqrt(var[ch] + eps);
                a[ch] = (float) (gamma[ch] * invStd[ch]);
                b[ch] = (float) (beta[ch] - mean[ch] * gamma[ch] * invStd[ch]);
            }
            for (int i = 0; i < n; i++) {
                int base = i * c;
                for (int ch = 0; ch < c; ch++) {
                    y.put(base + ch, x.get(base + ch) * a[ch] + b[ch]);
                }
            }
            return;
        }
        channels(c, (long) n * c * s, ch -> {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += planeSum(x, (i * c + ch) * s, s);
            }
            double m = sum / count;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                sq += planeSquaredDeviation(x, (i * c + ch) * s, s, (float) m);
            }
            double v = sq / count;
            double r = 1.0 / Math.sqrt(v + eps);
            mean[ch] = m;
            var[ch] = v;
            invStd[ch] = r;
            float a = (float) (gamma[ch] * r);
            float b = (float) (beta[ch] - m * gamma[ch] * r);
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * s;
                for (int j = off, end = off + s; j < end; j++) {
                    y.put(j, x.get(j) * a + b);
                }
            }
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
            float ac = a[ch], bc = b[ch];
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * s;
                for (int j = off, end = off + s; j < end; j++) {
                    y.put(j, x.get(j) * ac + bc);
                }
            }
        });
    }

    /**
     * Training-mode backward (batch statistics of the forward).
     *
     * @param x      the forward's input {@code [N, C, S]}
     * @param dy     gradient at the output, same layout
     * @param dx     out: gradient at the input, same layout (may alias {@code dy})
     * @param dGamma out: {@code sum dy * xhat} per channel
     * @param dBeta  out: {@code sum dy} per channel
     */
    static void backward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, int n, int c, int s, float[] gamma,
                         double[] mean, double[] invStd, float[] dGamma, float[] dBeta) {
        double count = (double) n * s;
        if (s == 1) {
            double[] sdy = new double[c], sdyx = new double[c];
            for (int i = 0; i < n; i++) {
                int base = i * c;
                for (int ch = 0; ch < c; ch++) {
                    double g = dy.get(base + ch);
                    sdy[ch] += g;
                    sdyx[ch] += g * (x.get(base + ch) - mean[ch]);
                }
            }
            float[] ka = new float[c], kb = new float[c], kc = new float[c];
            for (int ch = 0; ch < c; ch++) {
                coefficients(ch, gamma, mean, invStd, sdy[ch], sdyx[ch], count, dGamma, dBeta, ka, kb, kc);
            }
            for (int i = 0; i < n; i++) {
                int base = i * c;
                for (int ch = 0; ch < c; ch++) {
                    dx.put(base + ch, dy.get(base + ch) * ka[ch] + x.get(base + ch) * kb[ch] + kc[ch]);
                }
            }
            return;
        }
        float[] ka = new float[c], kb = new float[c], kc = new float[c];
        channels(c, (long) n * c * s, ch -> {
            float m = (float) mean[ch];
            double sdy = 0, sdyx = 0;
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * s;
                sdy += planeSum(dy, off, s);
                sdyx += planeDot(dy, x, off, s, m);
            }
            coefficients(ch, gamma, mean, invStd, sdy, sdyx, count, dGamma, dBeta, ka, kb, kc);
            float a = ka[ch], b = kb[ch], k = kc[ch];
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * s;
                for (int j = off, end = off + s; j < end; j++) {
                    dx.put(j, dy.get(j) * a + x.get(j) * b + k);
                }
            }
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

    /** Sum of {@code len} floats from {@code off}, four float partial sums per 16-value block, added in double. */
    private static double planeSum(FloatBuffer b, int off, int len) {
        double total = 0;
        int j = off, end = off + len;
        while (j < end) {
            int blockEnd = Math.min(end, j + 256);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; j + 3 < blockEnd; j += 4) {
                s0 += b.get(j);
                s1 += b.get(j + 1);
                s2 += b.get(j + 2);
                s3 += b.get(j + 3);
            }
            for (; j < blockEnd; j++) {
                s0 += b.get(j);
            }
            total += (double) s0 + s1 + s2 + s3;
        }
        return total;
    }

    /** Sum of {@code (b[j] - m)^2}, blocked as {@link #planeSum}. */
    private static double planeSquaredDeviation(FloatBuffer b, int off, int len, float m) {
        double total = 0;
        int j = off, end = off + len;
        while (j < end) {
            int blockEnd = Math.min(end, j + 256);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; j + 3 < blockEnd; j += 4) {
                float d0 = b.get(j) - m, d1 = b.get(j + 1) - m, d2 = b.get(j + 2) - m, d3 = b.get(j + 3) - m;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; j < blockEnd; j++) {
                float d = b.get(j) - m;
                s0 += d * d;
            }
            total += (double) s0 + s1 + s2 + s3;
        }
        return total;
    }

    /** Sum of {@code g[j] * (x[j] - m)}, blocked as {@link #planeSum}. */
    private static double planeDot(FloatBuffer g, FloatBuffer x, int off, int len, float m) {
        double total = 0;
        int j = off, end = off + len;
        while (j < end) {
            int blockEnd = Math.min(end, j + 256);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; j + 3 < blockEnd; j += 4) {
                s0 += g.get(j) * (x.get(j) - m);
                s1 += g.get(j + 1) * (x.get(j + 1) - m);
                s2 += g.get(j + 2) * (x.get(j + 2) - m);
                s3 += g.get(j + 3) * (x.get(j + 3) - m);
            }
            for (; j < blockEnd; j++) {
                s0 += g.get(j) * (x.get(j) - m);
            }
            total += (double) s0 + s1 + s2 + s3;
        }
        return total;
    }

    private static void channels(int c, long total, java.util.function.IntConsumer body) {
        if (total < PARALLEL_MIN) {
            for (int ch = 0; ch < c; ch++) {
                body.accept(ch);
            }
        } else {
            IntStream.range(0, c).parallel().forEach(body);
        }
    }
}
