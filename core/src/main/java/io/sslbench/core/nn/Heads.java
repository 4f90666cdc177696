package io.sslbench.core.nn;

import io.sslbench.core.nn.fast.FastBatchNormalization;
import io.sslbench.core.nn.fast.FastDense;
import io.sslbench.core.nn.fast.FastRelu;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Projection and prediction heads as data (lightly's {@code ProjectionHead(blocks)}): a head is a list
 * of {@link Block}s, each a linear layer optionally followed by BatchNorm (with scale and shift, scale
 * only, or neither) and an activation. Bias is off where BN follows. Each paper's head is a short factory whose javadoc quotes the paper.
 */
public final class Heads {
    private Heads() {}

    /** The normalisation after a block's linear layer. */
    public enum Norm {
        /** No BatchNorm. */
        NONE,
        /** BatchNorm with learnable scale and shift (PyTorch's {@code affine=True}, TF's default). */
        AFFINE,
        /** BatchNorm with learnable scale and no shift (TF's {@code center=False}: SimCLR's last projection layer). */
        SCALE,
        /** BatchNorm without learnable parameters (PyTorch's {@code affine=False}: SimSiam's last projector BN). */
        FIXED
    }

    /**
     * One linear block: linear layer, optional BatchNorm, activation.
     *
     * @param out        output width
     * @param bias       the linear layer has a bias (never where BN follows: BN cancels it)
     * @param norm       the BatchNorm after the linear layer
     * @param activation activation after (BN and) linear, or {@code Activation.IDENTITY}
     */
    public record Block(int out, boolean bias, Norm norm, Activation activation) {
        public Block {
            if (out <= 0) {
                throw new IllegalArgumentException("head block width must be > 0, got " + out);
            }
            Objects.requireNonNull(norm, "norm");
            Objects.requireNonNull(activation, "activation");
            if (bias && norm != Norm.NONE) {
                throw new IllegalArgumentException("a head block with BatchNorm has no bias (the BN mean cancels it)");
            }
        }

        /** @return a linear layer with bias */
        public static Block linear(int out) {
            return new Block(out, true, Norm.NONE, Activation.IDENTITY);
        }

        /** @return a linear layer without bias (BYOL's last MLP layer: Haiku {@code Linear(with_bias=False)}) */
        public static Block linearNoBias(int out) {
            return new Block(out, false, Norm.NONE, Activation.IDENTITY);
        }

        /** @return linear (no bias), BN with scale and shift, ReLU */
        public static Block bnRelu(int out) {
            return new Block(out, false, Norm.AFFINE, Activation.RELU);
        }

        /** @return linear with bias, ReLU */
        public static Block relu(int out) {
            return new Block(out, true, Norm.NONE, Activation.RELU);
        }

        /** @return linear (no bias) and a BN of the given kind, no activation */
        public static Block bn(int out, Norm norm) {
            if (norm == Norm.NONE) {
                throw new IllegalArgumentException("Block.bn needs a BatchNorm kind, got NONE");
            }
            return new Block(out, false, norm, Activation.IDENTITY);
        }

        /** @return whether a BatchNorm follows the linear layer */
        public boolean batchNorm() {
            return norm != Norm.NONE;
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
            g.addLayer(fc, new FastDense(b.out(), b.bias(), WeightInit.XAVIER.getWeightInitFunction()), last);
            last = fc;
            if (b.batchNorm()) {
                String bn = prefix + i + "_bn";
                FastBatchNormalization layer = new FastBatchNormalization(1e-5, 0.9);
                switch (b.norm()) {
                    case SCALE -> layer.withoutShift();
                    case FIXED -> layer.locked(1.0, 0.0);
                    default -> { }
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
