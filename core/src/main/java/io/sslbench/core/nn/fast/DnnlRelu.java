package io.sslbench.core.nn.fast;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.sslbench.core.util.Buffers;


import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_a;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;

/**
 * ReLU and its backward ({@code y = max(x, 0)}, {@code dx = dy [x > 0]}) as oneDNN's eltwise primitives over the
 * array's elements in memory order (a 1-d descriptor: the same for NCHW, blocked and row data). The backward is one
 * pass (ND4J needs two: the step function, then the product), and both run on the OpenMP threads. Used by
 * {@link FastReluLayer} for dense FLOAT arrays where the preset loads, unless {@code -Dsslbench.relu=nd4j}.
 */
final class DnnlRelu {
    private DnnlRelu() {}

    private static final boolean ENABLED =
            Dnnl.choice("sslbench.relu", System.getProperty("sslbench.relu", "dnnl"), "dnnl", "nd4j").equals("dnnl");

    private static final Dnnl.Plans<Long, Plan> PLANS = new Dnnl.Plans<>("relu", "ND4J", Plan::new);

    /** @return the plan for arrays like {@code a}, or null when this path is off or does not take them */
    static Plan plan(INDArray a) {
        if (!ENABLED || !Dnnl.available() || a.dataType() != DataType.FLOAT || !Buffers.denseRowMajor(a)) {
            return null;
        }
        return PLANS.get(a.length());
    }

    /** Forward and backward primitives for one element count, per thread. */
    static final class Plan {
        private final Dnnl.Call forward, backward;

        Plan(long length) {
            dnnl_memory_desc_t data = Dnnl.desc(new long[]{length}, dnnl_a);
            dnnl_eltwise_desc_t fd = new dnnl_eltwise_desc_t();
            Dnnl.check(dnnl_eltwise_forward_desc_init(fd, dnnl_forward_training, dnnl_eltwise_relu, data, 0f, 0f),
                    "relu forward descriptor");
            dnnl_primitive_desc fpd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_primitive_desc_create(fpd, new const_dnnl_op_desc_t(fd), null, Dnnl.ENGINE, null),
                    "relu forward primitive descriptor");
            forward = Dnnl.Call.of(fpd, DNNL_ARG_SRC, DNNL_ARG_DST);
            dnnl_eltwise_desc_t bd = new dnnl_eltwise_desc_t();
            Dnnl.check(dnnl_eltwise_backward_desc_init(bd, dnnl_eltwise_relu, data, data, 0f, 0f),
                    "relu backward descriptor");
            dnnl_primitive_desc bpd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_primitive_desc_create(bpd, new const_dnnl_op_desc_t(bd), null, Dnnl.ENGINE, fpd),
                    "relu backward primitive descriptor");
            backward = Dnnl.Call.of(bpd, DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC);
        }

        /** {@code y = max(x, 0)}; dense FLOAT arrays of the plan's length. */
        void forward(INDArray x, INDArray y) {
            forward.execute(x, y);
        }

        /** {@code dx = dy [x > 0]}; dense FLOAT arrays of the plan's length. */
        void backward(INDArray x, INDArray dy, INDArray dx) {
            backward.execute(x, dy, dx);
        }
    }
}
