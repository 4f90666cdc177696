package io.sslbench.core.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import io.sslbench.core.nn.fast.FastBatchNormalization;
import io.sslbench.core.nn.fast.FastDense;
import io.sslbench.core.nn.fast.FastRelu;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * Projection and prediction heads as data (lightly's {@code ProjectionHead(blocks)}): a head is a list
 * of {@link Block}s, each a linear layer optionally followed by BatchNorm and an activation. Bias is
 * off where BN follows. Each paper's head is a short factory whose javadoc quotes the paper.
 */
public final class Heads {
    private Heads() {}

    /**
     * One linear block.
     *
     * @param out        output width
     * @param batchNorm  BN after the linear layer
     * @param affineBn   BN with learnable scale/shift (false: SimSiam's last projector BN)
     * @param activation activation after (BN and) linear, or {@code Activation.IDENTITY}
     */
    public record Block(int out, boolean batchNorm, boolean affineBn, Activation activation) {
        public Block {
            if (out <= 0) {
                throw new IllegalArgumentException("head block width must be > 0, got " + out);
            }
        }

        public static Block linear(int out) {
            return new Block(out, false, true, Activation.IDENTITY);
        }

        public static Block bnRelu(int out) {
            return new Block(out, true, true, Activation.RELU);
        }

        public static Block relu(int out) {
            return new Block(out, false, true, Activation.RELU);
        }

        public static Block bn(int out, boolean affine) {
            return new Block(out, true, affine, Activation.IDENTITY);
        }
    }

    /**
     * Appends the blocks to the graph. Vertex names: {@code prefix + i + "_fc"}, {@code _bn}, {@code _act}.
     *
     * @return the name of the head's output vertex
     */
    public static String add(GraphBuilder g, String input, List<Block> blocks, String prefix) {
        if (blocks.isEmpty()) {
            return input;
        }
        String last = input;
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String fc = prefix + i + "_fc";
            g.addLayer(fc, new FastDense(b.out(), !b.batchNorm(), WeightInit.XAVIER.getWeightInitFunction()), last);
            last = fc;
            if (b.batchNorm()) {
                String bn = prefix + i + "_bn";
                FastBatchNormalization layer = new FastBatchNormalization(1e-5, 0.9);
                if (!b.affineBn()) {
                    layer.locked(1.0, 0.0);
                }
                g.addLayer(bn, layer, last);
                last = bn;
            }
            if (b.activation() != Activation.IDENTITY) {
                String act = prefix + i + "_act";
                g.addLayer(act, b.activation() == Activation.RELU ? new FastRelu()
                        : new ActivationLayer.Builder().activation(b.activation()).build(), last);
                last = act;
            }
        }
        return last;
    }

    /** @return {@code n-1} hidden blocks (linear+BN+ReLU of width hidden) then a final block */
    public static List<Block> mlp(int layers, int hidden, Block last) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < layers - 1; i++) {
            out.add(Block.bnRelu(hidden));
        }
        out.add(last);
        return out;
    }
}
