package io.sslbench.core.optim;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The {@link Optimizer}'s update rules as single passes over the raw float buffers of a parameter, its gradient and
 * its state (same layout, see {@code Buffers.sameDenseLayout}). The ND4J form of the same rules runs 5-8 whole-array
 * ops per parameter with temporaries: 82 ms per step on SimSiam's 2048-wide heads (small-cifar, batch 64), 9.5 ms in
 * this form. Arithmetic is the reference's, in the same order, in float; LARS's norms are
 * accumulated in double. Work is split into fixed ranges (independent of the thread count, so results are too).
 */
public final class FusedUpdates {
    private static final int RANGE = 1 << 16;

    private FusedUpdates() {}

    @FunctionalInterface
    private interface RangeBody {
        void run(int from, int to);
    }

    private static void ranges(int n, RangeBody body) {
        int parts = (n + RANGE - 1) / RANGE;
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> body.run(p * RANGE, Math.min(n, (p + 1) * RANGE)));
    }

    /**
     * EMA of a target: {@code t = m t + (1 - m) o} in one pass (the ND4J form is three passes and a temporary over
     * the whole parameter vector).
     */
    public static void ema(FloatBuffer t, FloatBuffer o, int n, double m) {
        float fm = (float) m, f1m = (float) (1 - m);
        ranges(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                t.put(i, t.get(i) * fm + o.get(i) * f1m);
            }
        });
    }

    /** SGD: {@code d = g + wd w; v = mu v + d; w -= lr (nesterov ? d + mu v : v)}; {@code v} null when mu = 0. */
    static void sgd(FloatBuffer w, FloatBuffer g, FloatBuffer v, int n, double lr, double wd, double mu, boolean nesterov) {
        float flr = (float) lr, fwd = (float) wd, fmu = (float) mu;
        boolean decay = wd > 0;
        ranges(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float wi = w.get(i);
                float d = decay ? g.get(i) + wi * fwd : g.get(i);
                if (v != null) {
                    float vi = v.get(i) * fmu + d;
                    v.put(i, vi);
                    d = nesterov ? d + vi * fmu : vi;
                }
                w.put(i, wi - d * flr);
            }
        });
    }

    /** {@code ||w||} and {@code ||g + wd w||} in double (LARS's trust ratio). */
    static double[] norms(FloatBuffer w, FloatBuffer g, int n, double wd) {
        float fwd = (float) wd;
        boolean decay = wd > 0;
        int parts = Math.max(1, (n + RANGE - 1) / RANGE);
        double[] ww = new double[parts], gg = new double[parts];
        IntStream range = IntStream.range(0, parts);
        (parts > 1 ? range.parallel() : range).forEach(p -> {
            double sw = 0, sg = 0;
            for (int i = p * RANGE, end = Math.min(n, (p + 1) * RANGE); i < end; i++) {
                float wi = w.get(i);
                float d = decay ? g.get(i) + wi * fwd : g.get(i);
                sw += (double) wi * wi;
                sg += (double) d * d;
            }
            ww[p] = sw;
            gg[p] = sg;
        });
        double sw = 0, sg = 0;
        for (int p = 0; p < parts; p++) {
            sw += ww[p];
            sg += gg[p];
        }
        return new double[]{Math.sqrt(sw), Math.sqrt(sg)};
    }

    /** LARS step with the trust ratio already in {@code scale = lr * trust}: {@code v = mu v + scale (g + wd w); w -= v}. */
    static void lars(FloatBuffer w, FloatBuffer g, FloatBuffer v, int n, double scale, double wd, double mu) {
        float fs = (float) scale, fwd = (float) wd, fmu = (float) mu;
        boolean decay = wd > 0;
        ranges(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float wi = w.get(i);
                float d = decay ? g.get(i) + wi * fwd : g.get(i);
                float vi = v.get(i) * fmu + d * fs;
                v.put(i, vi);
                w.put(i, wi - vi);
            }
        });
    }

    /**
     * Adam / AdamW: {@code d = g (+ wd w unless decoupled); m = b1 m + (1-b1) d; v = b2 v + (1-b2) d^2;
     * w *= 1 - lr wd (decoupled); w -= lr (m / c1) / (sqrt(v / c2) + eps)}.
     */
    static void adam(FloatBuffer w, FloatBuffer g, FloatBuffer m, FloatBuffer v, int n, double lr, double wd,
                     boolean decoupled, double b1, double b2, double c1, double c2, double eps) {
        float flr = (float) lr, fwd = (float) wd, fb1 = (float) b1, fb2 = (float) b2, f1b1 = (float) (1 - b1),
                f1b2 = (float) (1 - b2), fc1 = (float) c1, fc2 = (float) c2, feps = (float) eps,
                shrink = (float) (1 - lr * wd);
        boolean coupledDecay = !decoupled && wd > 0, decoupledDecay = decoupled && wd > 0;
        ranges(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                float wi = w.get(i);
                float d = coupledDecay ? g.get(i) + wi * fwd : g.get(i);
                float mi = m.get(i) * fb1 + d * f1b1;
                float vi = v.get(i) * fb2 + d * d * f1b2;
                m.put(i, mi);
                v.put(i, vi);
                if (decoupledDecay) {
                    wi = wi * shrink;
                }
                float denom = (float) Math.sqrt(vi / fc2) + feps;
                w.put(i, wi - mi / fc1 / denom * flr);
            }
        });
    }
}
