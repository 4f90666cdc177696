package io.sslbench.core.engine;

import io.sslbench.core.optim.FusedUpdates;
import io.sslbench.core.util.Buffers;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A momentum (EMA) target network: a copy of the online network that receives no gradient and is
 * updated as {@code θ_t ← m·θ_t + (1 − m)·θ_o} (MoCo's key encoder, BYOL's target). m = 0 copies the
 * online weights; m = 1 leaves the target unchanged.
 *
 * <p>DEVIATION: DL4J keeps BN running statistics among the parameters and updates them only through
 * backprop, so the target's running statistics are EMA-averaged with the rest; the PyTorch code keeps
 * the target's own buffers. They only matter if the target is evaluated in inference mode, which the
 * harness never does (the target always runs in training mode, with batch statistics).
 */
public final class EmaTarget {
    private final ComputationGraph online;
    private final ComputationGraph target;

    public EmaTarget(ComputationGraph online) {
        this.online = online;
        this.target = online.clone();
    }

    public ComputationGraph graph() {
        return target;
    }

    /** θ_t ← m·θ_t + (1 − m)·θ_o over the whole parameter vector. */
    public void update(double m) {
        if (!(m >= 0 && m <= 1)) {
            throw new IllegalArgumentException("EMA momentum must be in [0, 1], got " + m);
        }
        INDArray t = target.params();
        INDArray o = online.params();
        if (m == 0) {
            t.assign(o);
        } else if (m < 1) {
            if (Buffers.sameDenseLayout(t, o)) {
                FusedUpdates.ema(Buffers.floats(t), Buffers.floats(o), (int) t.length(), m);
            } else {
                t.muli(m).addi(o.mul(1 - m));
            }
        }
    }

    /**
     * Forward through the target in training mode (batch statistics, as the official code runs it),
     * returning the activation of {@code vertex} (a layer), detached.
     */
    public INDArray forward(String vertex, INDArray x) {
        return target.output(List.of(vertex), true, new INDArray[]{x}, null)[0];
    }

    public INDArray params() {
        return target.params();
    }

    void restore(INDArray params) {
        target.params().assign(params);
    }

    static Map<String, INDArray> snapshot(Map<String, EmaTarget> targets) {
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        targets.forEach((k, v) -> out.put(k, v.params().dup()));
        return out;
    }
}
