package io.sslbench.core.nn.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link BatchNormalization} configuration whose layer runs {@link FastBatchNormalizationLayer}: same
 * parameters (names, shapes, initialisation, running-statistics convention), same results up to float rounding, so
 * checkpoints and the code that inspects BN layers ({@code instanceof BatchNormalization}) are unaffected.
 * Serialises to JSON like any DL4J layer (no-arg constructor, bean properties).
 */
public class FastBatchNormalization extends BatchNormalization {
    /**
     * Whether beta (the shift) is trained. False: TensorFlow's {@code batch_normalization(center=False)}, a BN with a
     * learnable scale and no shift; beta stays at its initial 0 because the layer gives it a zero gradient (on both
     * the fast and DL4J's path), which no update rule of the engine's optimiser (nor weight decay, nor the EMA of a
     * target) can move away from 0. Serialised with the configuration.
     */
    private boolean center = true;

    /**
     * Training-mode statistics per group: the batch's rows are G contiguous groups (the views stacked as
     * {@code [view1; view2]}), each normalised with its own batch mean and variance, as the official code that forwards
     * each view separately gets them (BYOL, SimSiam); 1 = one set of statistics over the whole batch. Inference uses the
     * running statistics either way; they move towards the average of the groups' statistics (see
     * {@link FastBatchNormalizationLayer}). Serialised with the configuration.
     */
    private int groups = 1;

    /**
     * The contiguous row blocks the groups are made of (0: as many as groups): B blocks of N/B rows, block b in group
     * {@code b mod G}. With V views stacked as {@code [view1; view2]} and B = V G, group g holds the g-th N/(V G) rows of
     * every view: BN per simulated device over both views, as per-device BN sees a batch split over G devices, each
     * holding both views of its images (SimCLR's layout without cross-replica BN). Serialised with the configuration.
     */
    private int blocks = 0;

    /** Whether the layer's input and output are in {@link BlockedLayout} (when active). Serialised. */
    private boolean blocked;

    /** DL4J's defaults (for JSON deserialisation). */
    public FastBatchNormalization() {
        super();
    }

    /**
     * @param eps   added to the variance
     * @param decay running-statistics decay: {@code running = decay * running + (1 - decay) * batch}
     */
    public FastBatchNormalization(double eps, double decay) {
        super();
        setEps(eps);
        setDecay(decay);
    }

    /**
     * The same layer with the scale and shift fixed ({@code lockGammaBeta}: no trainable parameters).
     *
     * @param gamma fixed scale
     * @param beta  fixed shift
     * @return this
     */
    public FastBatchNormalization locked(double gamma, double beta) {
        setLockGammaBeta(true);
        setGamma(gamma);
        setBeta(beta);
        return this;
    }

    /**
     * The same layer with a trainable scale and no shift (TensorFlow's {@code center=False}): beta is fixed at 0.
     *
     * @return this
     */
    public FastBatchNormalization withoutShift() {
        if (isLockGammaBeta()) {
            throw new IllegalStateException("withoutShift on a locked BN: it has no trainable shift to remove");
        }
        setBeta(0);
        center = false;
        return this;
    }

    /** @return whether beta is trained (false: {@link #withoutShift()}) */
    public boolean isCenter() {
        return center;
    }

    /** For JSON deserialisation. */
    public void setCenter(boolean center) {
        this.center = center;
    }

    /** @return the number of row groups normalised separately in training mode (1: the whole batch) */
    public int getGroups() {
        return groups;
    }

    /** For JSON deserialisation, and {@link #applyGroups}. */
    public void setGroups(int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("BN groups must be >= 1, got " + groups);
        }
        this.groups = groups;
    }

    /** @return the contiguous row blocks of the groups (see the field; 0 reads as {@link #getGroups()}) */
    public int getBlocks() {
        return blocks == 0 ? groups : blocks;
    }

    /** For JSON deserialisation, and {@link #applyGroups(org.deeplearning4j.nn.conf.ComputationGraphConfiguration, int, int)}. */
    public void setBlocks(int blocks) {
        if (blocks < 0 || blocks > 0 && blocks % groups != 0) {
            throw new IllegalArgumentException("BN blocks must be 0 or a multiple of the groups (" + groups + "), got "
                    + blocks);
        }
        this.blocks = blocks;
    }

    /** @return whether the layer reads and writes blocked arrays when {@link BlockedLayout} is active */
    public boolean isBlocked() {
        return blocked;
    }

    /** For JSON and {@link BlockedLayout#unmark}; see {@link #blocked()}. */
    public void setBlocked(boolean blocked) {
        this.blocked = blocked;
    }

    /**
     * Marks the layer as reading and writing {@link BlockedLayout} arrays (used when the layout is active).
     *
     * @return this
     */
    public FastBatchNormalization blocked() {
        this.blocked = true;
        return this;
    }

    /** As {@link #applyGroups(org.deeplearning4j.nn.conf.ComputationGraphConfiguration, int, int)} with one block per group. */
    public static void applyGroups(ComputationGraphConfiguration conf, int groups) {
        applyGroups(conf, groups, groups);
    }

    /**
     * Sets the training-mode BN grouping of every {@link FastBatchNormalization} layer of a graph configuration. An
     * initialised graph's layers read these very configuration objects, so they change at once; clones and saved
     * models keep the grouping. Groups made of several row blocks each clear the graph's {@link BlockedLayout} marks
     * (their statistics are computed by the Java kernels, on NCHW arrays).
     */
    public static void applyGroups(ComputationGraphConfiguration conf, int groups,
                                   int blocks) {
        if (blocks != groups) {
            BlockedLayout.unmark(conf);
        }
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof FastBatchNormalization f) {
                f.setGroups(groups);
                f.setBlocks(blocks == groups ? 0 : blocks);
            }
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("FastBatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new FastBatchNormalizationLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }
}
