package io.sslbench.core.nn.fast;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_data;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward_weights;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_auto;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * A 2d convolution (NCHW FLOAT, no bias, no dilation, DL4J's Truncate output size) computed by oneDNN called
 * directly through JavaCPP's {@code org.bytedeco} oneDNN preset, in the memory layout oneDNN chooses for the shape.
 *
 * <p>Why: libnd4j's {@code conv2d}/{@code conv2d_bp} (what DL4J's oneDNN helper calls) measured slower than the same
 * library's primitives asked for {@code format_tag_any} (oneDNN then picks its blocked layout, e.g. {@code nChw16c}
 * and the {@code jit:avx512} kernels here) with reorders from and to NCHW around each call, on every CIFAR ResNet shape
 * but one (ConvBackwardBench, README table): the backward of a 3x3 16-&gt;16 layer at 32x32 (128 views) took
 * 26.3 ms there and 8.7 ms here, the stem's 27.2 and 5.6; only the 64-&gt;64 layer at 8x8 was 7% faster there. The layer's arrays stay NCHW, so nothing else in the graph changes.
 *
 * <p>How: one {@link Plan} per shape and thread (primitive descriptors, primitives, reorders, memory objects whose
 * data handles are set per call: the layer's arrays for the NCHW side, per-thread scratch buffers for oneDNN's
 * layouts). The forward is the training forward ({@code forward_training}, also used in inference: same kernel);
 * the backward primitives are created with it as their hint, as oneDNN requires. Results equal libnd4j's to float
 * rounding (same library, other kernels for some shapes).
 *
 * <p>Used under {@link ConvKernels#policy()} {@code dnnl} (the default); unavailable (and the layer then uses DL4J's
 * helper) where the preset does not load, e.g. a platform without its native build. A shape oneDNN rejects falls back the same way, once logged.
 */
public final class DnnlConv {
    private DnnlConv() {}

    /**
     * The algorithm for a shape: {@code convolution_auto} (oneDNN picks direct or Winograd F(4x4, 3x3), the latter
     * on AVX-512 only, as libnd4j's {@code conv2d_bp} asks; its gradients equal these exactly) when both channel
     * counts are at least 32, else direct. Measured (ConvBackwardBench, 2 cores, AVX-512, ms): ResNet-18's 3x3 layers,
     * 256 views, Winograd against direct: 512 -&gt; 512 at 4x4 forward 33 vs 73, backward 68 vs 207; 32 -&gt; 32 at
     * 16x16, 128 views: 2.3-2.6 vs 3.2 and 5.1-5.9 vs 6.7; but 16 -&gt; 16 at 32x32: 4.2-6.0 vs 5.5 and 9.6-11.6 vs
     * 8.8, and the 3 -&gt; 16 stem 4.3 vs 1.4 forward. Outputs within 3e-6 of direct's (relative to the largest).
     * {@code -Dsslbench.conv.algorithm=direct} forces direct everywhere.
     */
    private static int algorithm(Shape s) {
        return !"direct".equals(System.getProperty("sslbench.conv.algorithm")) && Math.min(s.ci(), s.co()) >= 32
                ? dnnl_convolution_auto : dnnl_convolution_direct;
    }

    /** @return whether convolutions can run through this class */
    public static boolean available() {
        return Dnnl.available();
    }

    /** @return why not {@link #available()}, or null */
    public static String unavailableReason() {
        return Dnnl.unavailableReason();
    }

    /**
     * The geometry of one convolution: input {@code [n, ci, h, w]}, weights {@code [co, ci, kh, kw]}; the layouts of
     * the layer's input (and input gradient) and output (and output gradient) arrays as oneDNN format tags:
     * {@code nchw}, or a {@link BlockedLayout} tag.
     */
    public record Shape(long n, long ci, long h, long w, long co, int kh, int kw, int sh, int sw, int ph, int pw,
                 boolean inputGradient, int srcTag, int dstTag) {
        /** A convolution between NCHW arrays. */
        public Shape(long n, long ci, long h, long w, long co, int kh, int kw, int sh, int sw, int ph, int pw,
                     boolean inputGradient) {
            this(n, ci, h, w, co, kh, kw, sh, sw, ph, pw, inputGradient, dnnl_nchw, dnnl_nchw);
        }

        long ho() {
            return (h + 2L * ph - kh) / sh + 1;
        }

        long wo() {
            return (w + 2L * pw - kw) / sw + 1;
        }
    }

    private static final Dnnl.Plans<Shape, Plan> PLANS = new Dnnl.Plans<>("convolution", "DL4J's helper", Plan::new);
    /** Scratch for oneDNN's layouts: the six operands a backward pass can need at once. */
    private static final ThreadLocal<ConvKernels.Scratch> SCRATCH =
            ThreadLocal.withInitial(() -> new ConvKernels.Scratch(6));

    /** @return the plan for {@code s}, or null when oneDNN refuses the shape (then use another path) */
    public static Plan plan(Shape s) {
        return PLANS.get(s);
    }

    /** Alignment of every buffer a primitive reads or writes (oneDNN's Winograd kernels use aligned loads). */
    private static final int ALIGN = 64;

    private static boolean aligned(INDArray a) {
        return a.data().addressPointer().address() % ALIGN == 0;
    }

    /**
     * One operand as the layer holds it (NCHW / OIHW, {@code user}) and as a primitive reads or writes it
     * ({@code inner}, in oneDNN's layout for the shape, in a 64-byte aligned per-thread scratch slot). Between the two
     * a reorder, or, when the layouts agree, nothing for an aligned array and a copy for another.
     */
    private static final class Operand {
        final dnnl_memory user;
        final dnnl_memory inner;
        /** user -&gt; inner for an input, inner -&gt; user for an output (a plain copy when the layouts agree) */
        final Dnnl.Call reorder;
        final boolean sameLayout;
        final int slot;
        final long innerFloats;
        private boolean staged;

        /** Whether the primitive needs 64-byte aligned data (Winograd's kernels; the direct ones load unaligned). */
        final boolean alignedAccess;

        /** @param toInner reorder user -&gt; inner (an input of the primitive), else inner -&gt; user (an output) */
        Operand(dnnl_memory_desc_t userDesc, dnnl_memory_desc_t innerDesc, boolean toInner, int slot, String impl) {
            this.alignedAccess = impl.contains("wino");
            this.user = Dnnl.memory(userDesc);
            this.inner = Dnnl.memory(innerDesc);
            this.slot = slot;
            this.sameLayout = dnnl_memory_desc_equal(userDesc, innerDesc) != 0;
            innerFloats = (dnnl_memory_desc_get_size(innerDesc) + Float.BYTES - 1) / Float.BYTES;
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(toInner ? dnnl_reorder_primitive_desc_create(pd, userDesc, Dnnl.ENGINE, innerDesc, Dnnl.ENGINE, null)
                    : dnnl_reorder_primitive_desc_create(pd, innerDesc, Dnnl.ENGINE, userDesc, Dnnl.ENGINE, null), "reorder");
            reorder = new Dnnl.Call(pd, new int[]{DNNL_ARG_FROM, DNNL_ARG_TO}, toInner ? user : inner, toInner ? inner : user);
        }

        /** Points the primitive's side at {@code a} when it can read it as it is, else at scratch, reordered in. */
        void bindInput(INDArray a, ConvKernels.Scratch scratch, dnnl_stream stream) {
            if (sameLayout && (!alignedAccess || aligned(a))) {
                Dnnl.point(inner, a);
                return;
            }
            Dnnl.point(user, a);
            Dnnl.point(inner, scratch.aligned(slot, innerFloats, ALIGN));
            reorder.run(stream);
        }

        /** Points the primitive's side at {@code a} when it can write it directly, else at scratch. */
        void bindOutput(INDArray a, ConvKernels.Scratch scratch) {
            staged = !(sameLayout && (!alignedAccess || aligned(a)));
            if (!staged) {
                Dnnl.point(inner, a);
                return;
            }
            Dnnl.point(user, a);
            Dnnl.point(inner, scratch.aligned(slot, innerFloats, ALIGN));
        }

        /** Copies an output from scratch (oneDNN's layout) to the layer's array, when it went there. */
        void finishOutput(dnnl_stream stream) {
            if (staged) {
                reorder.run(stream);
            }
        }
    }

    /** Everything one shape needs, created once per thread. */
    public static final class Plan {
        final Shape shape;
        /** Implementations oneDNN chose (forward, backward data or null, backward weights), for logs and tests. */
        public final String forwardImpl;
        public final String backwardDataImpl;
        public final String backwardWeightsImpl;
        private final Operand fSrc, fWeights, fDst, bDiffDst, bWeights, bDiffSrc, wSrc, wDiffDst, wDiffWeights;
        private final Dnnl.Call forward, backwardData, backwardWeights;
        /** Whether both backward primitives read the output gradient in one layout (then it is reordered once). */
        private final boolean sharedDiffDst;

        Plan(Shape s) {
            this.shape = s;
            long[] src = {s.n(), s.ci(), s.h(), s.w()}, wei = {s.co(), s.ci(), s.kh(), s.kw()},
                    dst = {s.n(), s.co(), s.ho(), s.wo()};
            long[] strides = {s.sh(), s.sw()}, padL = {s.ph(), s.pw()};
            // Truncate: the last window may stop short of the padded edge, i.e. a negative right padding
            long[] padR = {(s.ho() - 1) * s.sh() + s.kh() - s.h() - s.ph(), (s.wo() - 1) * s.sw() + s.kw() - s.w() - s.pw()};
            dnnl_memory_desc_t uSrc = Dnnl.desc(src, s.srcTag()), uWei = Dnnl.desc(wei, dnnl_oihw),
                    uDst = Dnnl.desc(dst, s.dstTag());
            dnnl_memory_desc_t aSrc = Dnnl.desc(src, dnnl_format_tag_any), aWei = Dnnl.desc(wei, dnnl_format_tag_any),
                    aDst = Dnnl.desc(dst, dnnl_format_tag_any);

            dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, algorithm(s), aSrc, aWei,
                    null, aDst, strides, padL, padR), "forward descriptor");
            dnnl_primitive_desc fpd = primitiveDesc(fd, null);
            forwardImpl = Dnnl.impl(fpd);
            fSrc = new Operand(uSrc, dnnl_primitive_desc_query_md(fpd, dnnl_query_src_md, 0), true, 0, forwardImpl);
            fWeights = new Operand(uWei, dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0), true, 1,
                    forwardImpl);
            fDst = new Operand(uDst, dnnl_primitive_desc_query_md(fpd, dnnl_query_dst_md, 0), false, 2, forwardImpl);
            forward = new Dnnl.Call(fpd, new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, fSrc.inner, fWeights.inner,
                    fDst.inner);

            dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_backward_weights_desc_init(wd, algorithm(s), aSrc, aWei, null, aDst,
                    strides, padL, padR), "backward-weights descriptor");
            dnnl_primitive_desc wpd = primitiveDesc(wd, fpd);
            backwardWeightsImpl = Dnnl.impl(wpd);

            dnnl_primitive_desc bpdOrNull = null;
            if (s.inputGradient()) {
                dnnl_convolution_desc_t bd = new dnnl_convolution_desc_t();
                Dnnl.check(dnnl_convolution_backward_data_desc_init(bd, algorithm(s), aSrc, aWei, aDst, strides,
                        padL, padR), "backward-data descriptor");
                dnnl_primitive_desc bpd = primitiveDesc(bd, fpd);
                bpdOrNull = bpd;
                backwardDataImpl = Dnnl.impl(bpd);
                // the output gradient may be shared with the weight gradient's primitive: aligned when either needs it
                bDiffDst = new Operand(uDst, dnnl_primitive_desc_query_md(bpd, dnnl_query_diff_dst_md, 0), true, 0,
                        backwardDataImpl + backwardWeightsImpl);
                bWeights = new Operand(uWei, dnnl_primitive_desc_query_md(bpd, dnnl_query_weights_md, 0), true, 1,
                        backwardDataImpl);
                bDiffSrc = new Operand(uSrc, dnnl_primitive_desc_query_md(bpd, dnnl_query_diff_src_md, 0), false, 2,
                        backwardDataImpl);
                backwardData = new Dnnl.Call(bpd, new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                        bDiffDst.inner, bWeights.inner, bDiffSrc.inner);
            } else {
                bDiffDst = bWeights = bDiffSrc = null;
                backwardData = null;
                backwardDataImpl = null;
            }

            wSrc = new Operand(uSrc, dnnl_primitive_desc_query_md(wpd, dnnl_query_src_md, 0), true, 3,
                    backwardWeightsImpl);
            dnnl_memory_desc_t wDiffDstDesc = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_dst_md, 0);
            sharedDiffDst = bDiffDst != null
                    && dnnl_memory_desc_equal(wDiffDstDesc, dnnl_primitive_desc_query_md(bpdOrNull, dnnl_query_diff_dst_md, 0)) != 0;
            wDiffDst = sharedDiffDst ? bDiffDst : new Operand(uDst, wDiffDstDesc, true, 4, backwardWeightsImpl);
            wDiffWeights = new Operand(uWei, dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0), false, 5,
                    backwardWeightsImpl);
            backwardWeights = new Dnnl.Call(wpd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                    wSrc.inner, wDiffDst.inner, wDiffWeights.inner);
        }

        private static dnnl_primitive_desc primitiveDesc(dnnl_convolution_desc_t d, dnnl_primitive_desc hint) {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(d), null, Dnnl.ENGINE, hint), "primitive descriptor");
            return pd;
        }

        /** {@code y = conv(x, weights)}; all dense c-order FLOAT of this plan's shape. */
        public void forward(INDArray x, INDArray weights, INDArray y) {
            Shape s = shape;
            Dnnl.requireDense(x, new long[]{s.n(), s.ci(), s.h(), s.w()}, "input");
            Dnnl.requireDense(weights, new long[]{s.co(), s.ci(), s.kh(), s.kw()}, "weights");
            Dnnl.requireDense(y, new long[]{s.n(), s.co(), s.ho(), s.wo()}, "output");
            dnnl_stream stream = Dnnl.stream();
            ConvKernels.Scratch scratch = SCRATCH.get();
            fSrc.bindInput(x, scratch, stream);
            fWeights.bindInput(weights, scratch, stream);
            fDst.bindOutput(y, scratch);
            forward.run(stream);
            fDst.finishOutput(stream);
            Dnnl.await(stream);
        }

        /**
         * The weight gradient into {@code dWeights} and, when the plan has one and {@code dx} is not null, the input
         * gradient into {@code dx}.
         */
        public void backward(INDArray x, INDArray weights, INDArray dy, INDArray dWeights, INDArray dx) {
            Shape s = shape;
            long[] src = {s.n(), s.ci(), s.h(), s.w()}, wei = {s.co(), s.ci(), s.kh(), s.kw()};
            Dnnl.requireDense(x, src, "input");
            Dnnl.requireDense(dy, new long[]{s.n(), s.co(), s.ho(), s.wo()}, "output gradient");
            Dnnl.requireDense(dWeights, wei, "weight gradient");
            dnnl_stream stream = Dnnl.stream();
            ConvKernels.Scratch scratch = SCRATCH.get();
            if (dx != null) {
                if (backwardData == null) {
                    throw new IllegalStateException("plan " + s + " has no input gradient");
                }
                Dnnl.requireDense(weights, wei, "weights");
                Dnnl.requireDense(dx, src, "input gradient");
                bDiffDst.bindInput(dy, scratch, stream);
                bWeights.bindInput(weights, scratch, stream);
                bDiffSrc.bindOutput(dx, scratch);
                backwardData.run(stream);
                bDiffSrc.finishOutput(stream);
            }
            wSrc.bindInput(x, scratch, stream);
            if (!(sharedDiffDst && dx != null)) { // else already bound (same layout), by the input gradient's pass
                wDiffDst.bindInput(dy, scratch, stream);
            }
            wDiffWeights.bindOutput(dWeights, scratch);
            backwardWeights.run(stream);
            wDiffWeights.finishOutput(stream);
            Dnnl.await(stream);
        }
    }
}
