package io.sslbench.core.nn.fast;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;


import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;

/**
 * Training-mode batch normalisation of {@code [N, C, S]} FLOAT data (NCHW activations with {@code S = H W}, or
 * {@code [N, C]} rows with {@code S = 1}) by oneDNN's batch-normalisation primitives called directly: the same
 * formulas as {@link BnKernels} (batch mean, biased variance, {@code y = gamma (x - m) / sqrt(v + eps) + beta} and its
 * backward), one statistics group.
 *
 * <p>Why: the Java kernels hand each channel to the fork-join pool, and on a machine whose cores the OpenMP threads of
 * the convolutions just left spinning, waking the pool's workers cost more than half of a BN layer's time in a
 * training step (async-profiler, BYOL on {@code small-cifar}, batch 64: the target's BN forward 18.3 ms a step, of
 * which 8.0 ms signalling the pool and 4.4 ms waiting for it). oneDNN runs on those same OpenMP threads. Sums are
 * accumulated in float here (in double in {@link BnKernels}): results agree to float rounding.
 *
 * <p>Layout: the data descriptor is 4-d {@code [N, C, S, 1]}, {@code nchw} for images and {@code nhwc} for rows (the
 * same bytes when {@code S = 1}, with channels contiguous, which oneDNN's kernels vectorise over), or blocked
 * ({@link BlockedLayout}; the only layout for which oneDNN 2.5 has vectorised kernels for images: on {@code nchw} it
 * runs its generic {@code ncsp_bnorm}). Inference (given statistics) is used for blocked data only. Used by
 * {@link FastBatchNormalizationLayer} under {@code -Dsslbench.bn=dnnl} (the default; {@code java} keeps
 * {@link BnKernels}) where the preset loads and the layer has one group; a shape oneDNN refuses falls back to the Java
 * kernels, once logged.
 */
final class DnnlBn {
    private DnnlBn() {}

    private static volatile boolean enabled =
            Dnnl.choice("sslbench.bn", System.getProperty("sslbench.bn", "dnnl"), "dnnl", "java").equals("dnnl");

    /** Switches between oneDNN ({@code dnnl}) and {@link BnKernels} ({@code java}) for the layers' next passes. */
    static void setPolicy(String p) {
        enabled = Dnnl.choice("sslbench.bn", p, "dnnl", "java").equals("dnnl");
    }

    /** @return dnnl or java */
    static String policy() {
        return enabled ? "dnnl" : "java";
    }

    /**
     * The geometry: {@code n} rows of {@code c} channels of {@code s} values each, eps, and the data's oneDNN format
     * tag ({@code nchw} or {@code nhwc} as {@link #plain} picks them, or a {@link BlockedLayout} tag).
     */
    record Shape(long n, long c, long s, float eps, int tag) {
        /** NCHW data ({@code s > 1}) or rows ({@code s = 1}). */
        static Shape plain(long n, long c, long s, float eps) {
            return new Shape(n, c, s, eps, s == 1 ? dnnl_nhwc : dnnl_nchw);
        }
    }

    private static final Dnnl.Plans<Shape, Plan> PLANS =
            new Dnnl.Plans<>("batch normalisation", "the Java kernels", Plan::new);

    /** @return the plan for {@code s}, or null when this path is off, unavailable, or oneDNN refuses the shape */
    static Plan plan(Shape s) {
        return enabled ? PLANS.get(s) : null;
    }

    /** Primitives and memory objects of one shape, created once per thread. */
    static final class Plan {
        final Shape shape;
        final String forwardImpl;
        final String backwardImpl;
        private final Dnnl.Call forward, backward;
        private final dnnl_memory_desc_t data;
        /** Inference with given statistics, created on first use. */
        private Dnnl.Call inference;

        Plan(Shape s) {
            this.shape = s;
            data = Dnnl.desc(new long[]{s.n(), s.c(), s.s(), 1}, s.tag());
            int flags = dnnl_use_scale | dnnl_use_shift;
            dnnl_batch_normalization_desc_t fd = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_forward_desc_init(fd, dnnl_forward_training, data, s.eps(), flags),
                    "batch-normalisation forward descriptor");
            dnnl_primitive_desc fpd = primitiveDesc(fd, null);
            forward = Dnnl.Call.of(fpd, DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN,
                    DNNL_ARG_VARIANCE);
            forwardImpl = Dnnl.impl(fpd);

            dnnl_batch_normalization_desc_t bd = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_backward_desc_init(bd, dnnl_backward, data, data, s.eps(), flags),
                    "batch-normalisation backward descriptor");
            dnnl_primitive_desc bpd = primitiveDesc(bd, fpd);
            // the shift: oneDNN 2.5 refuses the call without it, though the backward does not read it
            backward = Dnnl.Call.of(bpd, DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE,
                    DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT);
            backwardImpl = Dnnl.impl(bpd);
        }

        private static dnnl_primitive_desc primitiveDesc(dnnl_batch_normalization_desc_t d, dnnl_primitive_desc hint) {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(d), null, Dnnl.ENGINE, hint),
                    "batch-normalisation primitive descriptor");
            return pd;
        }

        private void requireData(INDArray... arrays) {
            for (INDArray a : arrays) {
                if (a.length() != shape.n() * shape.c() * shape.s() || a.size(0) != shape.n() || a.size(1) != shape.c()) {
                    throw new IllegalArgumentException("expected " + shape.n() + " x " + shape.c() + " x " + shape.s()
                            + " values, got " + a.shapeInfoToString());
                }
                Dnnl.requireDense(a, a.shape(), "batch-normalisation data");
            }
        }

        private void requireChannels(INDArray... arrays) {
            for (INDArray a : arrays) {
                if (a.length() != shape.c()) {
                    throw new IllegalArgumentException("expected " + shape.c() + " per-channel values, got "
                            + a.shapeInfoToString());
                }
                Dnnl.requireDense(a, a.shape(), "per-channel values");
            }
        }

        /**
         * Training forward: {@code y} normalised with the batch statistics, which go to {@code mean} and {@code var}
         * (biased), {@code [C]} each.
         */
        void forward(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
            requireData(x, y);
            requireChannels(gamma, beta, mean, var);
            forward.execute(x, y, gamma, beta, mean, var);
        }

        /** Inference: {@code y} normalised with the given statistics {@code mean} and {@code var} ({@code [C]}). */
        void inference(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
            requireData(x, y);
            requireChannels(gamma, beta, mean, var);
            if (inference == null) {
                dnnl_batch_normalization_desc_t d = new dnnl_batch_normalization_desc_t();
                Dnnl.check(dnnl_batch_normalization_forward_desc_init(d, dnnl_forward_inference, data, shape.eps(),
                        dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift),
                        "batch-normalisation inference descriptor");
                inference = Dnnl.Call.of(primitiveDesc(d, null), DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE,
                        DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE);
            }
            inference.execute(x, y, gamma, beta, mean, var);
        }

        /** Backward with the forward's statistics: {@code dx}, and {@code dGamma}, {@code dBeta} ({@code [C]}). */
        void backward(INDArray x, INDArray dy, INDArray gamma, INDArray beta, INDArray mean, INDArray var, INDArray dx,
                      INDArray dGamma, INDArray dBeta) {
            requireData(x, dy, dx);
            requireChannels(gamma, beta, mean, var, dGamma, dBeta);
            backward.execute(x, dy, mean, var, gamma, beta, dx, dGamma, dBeta);
        }
    }
}
