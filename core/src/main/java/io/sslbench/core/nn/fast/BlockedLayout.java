package io.sslbench.core.nn.fast;

import io.sslbench.core.runtime.Backend;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nChw16c;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nChw8c;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;

/**
 * Activations kept in oneDNN's blocked layout between the layers of a backbone.
 *
 * <p>oneDNN's convolutions compute in a blocked layout ({@code nChw16c} on AVX-512, {@code nChw8c} on AVX2: the
 * channels in blocks of B, each block's B values of one pixel contiguous) and its batch normalisation has
 * vectorised kernels only for it ({@code bnorm_jit}; on NCHW it runs its generic C++ {@code ncsp_bnorm}). With NCHW
 * arrays between the layers every convolution reorders its input, output and both gradients, and BN runs the slow
 * kernels. A backbone whose layers are marked ({@code Backbones} marks every CIFAR-stem ResNet: all its channel counts
 * are multiples of 16) instead hands {@code [N, C, H, W]} arrays between its
 * layers whose bytes are in the blocked layout: convolutions ({@link DnnlConv}) and BN ({@link DnnlBn}) read and write
 * it, ReLU and the residual add are elementwise (layout-blind), the stem reads the NCHW images and the global
 * average pool ({@link FastGlobalPooling}) returns plain {@code [N, C]} features. Nothing outside the backbone sees
 * the blocked bytes: the features, the heads and every parameter and gradient are as before.
 *
 * <p>Active when DL4J's helpers are enabled, the network is FLOAT, oneDNN is called directly for convolutions and BN
 * ({@code -Dsslbench.conv=dnnl}, {@code -Dsslbench.bn=dnnl}, the defaults) and the CPU gives a blocked layout;
 * {@code -Dsslbench.layout=nchw} switches it off. A marked network's layers all decide the same way, so an inactive
 * network is exactly the NCHW one. BN with a statistics group per contiguous block of rows (BN per view) runs
 * blocked, one oneDNN call per group; {@link FastBatchNormalization#applyGroups} clears the marks of a graph whose
 * groups are made of several row blocks (per simulated device over stacked views: the Java kernels, on NCHW).
 */
public final class BlockedLayout {
    private static final Logger LOG = LoggerFactory.getLogger(BlockedLayout.class);

    private BlockedLayout() {}

    /** The block size oneDNN's convolutions pick on this CPU (16, 8), or 0. */
    private static final int CPU_BLOCK = probe();

    private static volatile boolean enabled = enabled(System.getProperty("sslbench.layout", "blocked"));

    private static boolean enabled(String p) {
        return Dnnl.choice("sslbench.layout", p, "blocked", "nchw").equals("blocked");
    }

    /** Switches the layout for networks' next passes (tests and benchmarks compare both in one process). */
    public static void setPolicy(String p) {
        enabled = enabled(p);
    }

    /** @return blocked or nchw */
    public static String policy() {
        return enabled ? "blocked" : "nchw";
    }

    /** Channel counts a marked backbone must have: a multiple of every block size oneDNN uses. */
    public static final int CHANNEL_MULTIPLE = 16;

    /**
     * @param dataType the network's data type
     * @param helpers  whether the network's layers were created with DL4J's helpers enabled
     *                 ({@link Backend#helpersEnabled()} then; {@link Backend#withoutHelpers} builds reference networks)
     * @return the block size a marked layer of such a network uses now, or 0 when activations are NCHW
     */
    static int block(DataType dataType, boolean helpers) {
        return enabled && helpers && dataType == DataType.FLOAT && CPU_BLOCK > 0 && ConvKernels.direct()
                && DnnlBn.policy().equals("dnnl") ? CPU_BLOCK : 0;
    }

    /** {@link #block(DataType, boolean)} for a network created now. */
    static int block(DataType dataType) {
        return block(dataType, Backend.helpersEnabled());
    }

    /** @return whether a layer marked {@code marked} of such a network reads and writes blocked arrays now */
    static boolean active(boolean marked, DataType dataType, boolean helpers) {
        return marked && block(dataType, helpers) > 0;
    }

    /**
     * The error of a marked layer that cannot run on blocked arrays (a shape oneDNN refuses, an unsupported
     * configuration): it names the layer, its input and the switch back to NCHW, instead of computing on the wrong
     * layout.
     *
     * @param layer what and which, e.g. {@code "convolution layer2_0_conv1"}
     * @param why   what it cannot do
     */
    static IllegalStateException unsupported(String layer, String why, INDArray input) {
        return new IllegalStateException(layer + " passes blocked-layout activations (BlockedLayout) but " + why
                + " (input " + (input == null ? null : input.shapeInfoToString()) + "); run with -Dsslbench.layout=nchw");
    }

    /** oneDNN's memory format tag for block size {@code b}. */
    static int tag(int b) {
        return switch (b) {
            case 16 -> dnnl_nChw16c;
            case 8 -> dnnl_nChw8c;
            default -> throw new IllegalArgumentException("no blocked layout of " + b + " channels");
        };
    }

    private static int probe() {
        if (!Dnnl.available()) {
            return 0;
        }
        try {
            long[] src = {1, 32, 8, 8}, wei = {32, 32, 3, 3}, strides = {1, 1}, pad = {1, 1};
            dnnl_convolution_desc_t d = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_convolution_forward_desc_init(d, dnnl_forward_training, dnnl_convolution_direct,
                    Dnnl.desc(src, dnnl_format_tag_any), Dnnl.desc(wei, dnnl_format_tag_any), null,
                    Dnnl.desc(src, dnnl_format_tag_any), strides, pad, pad), "probe descriptor");
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(d), null, Dnnl.ENGINE, null), "probe");
            dnnl_memory_desc_t chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
            for (int b : new int[]{16, 8}) {
                if (dnnl_memory_desc_equal(chosen, Dnnl.desc(src, tag(b))) != 0) {
                    return b;
                }
            }
            LOG.info("oneDNN's convolutions use no nChw16c/nChw8c layout on this CPU: activations stay NCHW");
        } catch (IllegalStateException e) {
            LOG.warn("oneDNN layout probe failed ({}): activations stay NCHW", e.getMessage());
        }
        return 0;
    }

    /**
     * Clears every mark in {@code conf}: its backbone then passes NCHW arrays (whatever the policy).
     *
     * @param conf a built configuration, before its graph is created
     */
    public static void unmark(ComputationGraphConfiguration conf) {
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                org.deeplearning4j.nn.conf.layers.Layer l = lv.getLayerConf().getLayer();
                if (l instanceof FastConvolution c) {
                    c.setBlockedInput(false);
                    c.setBlockedOutput(false);
                } else if (l instanceof FastBatchNormalization b) {
                    b.setBlocked(false);
                } else if (l instanceof FastGlobalPooling p) {
                    p.setBlocked(false);
                }
            }
        }
    }
}
