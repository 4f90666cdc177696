package io.sslbench.core.engine;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * Base of the engine's two {@link ILossFunction}s that sit in a {@code LossLayer} at the end of the
 * online graph: the work is done by a function bound at run time (not serialised), and computed once
 * per step even though DL4J asks for the score and the gradient separately.
 *
 * <p>This is the route that keeps multi-view training at {@code fit} speed (DL4J-NOTES: a loss inside
 * the graph runs at 13.4 img/s on ResNet-18/256 where external errors ran at 9.9): the whole
 * minibatch reaches the loss, targets (momentum keys, stop-gradient outputs) arrive as labels, and
 * backprop stays inside DL4J's workspaces.
 */
abstract class BoundLoss implements ILossFunction {
    @JsonIgnore
    private transient Pair<Double, INDArray> cached;

    /** Forget the cached result: call before every forward/backward pass. */
    void reset() {
        cached = null;
    }

    /** @return (mean loss, dL/dpreOutput of the mean loss) for this pass */
    protected abstract Pair<Double, INDArray> evaluate(INDArray labels, INDArray preOutput);

    private Pair<Double, INDArray> get(INDArray labels, INDArray preOutput) {
        if (cached == null) {
            cached = evaluate(labels, preOutput);
        }
        return cached;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double v = get(labels, preOutput).getFirst();
        // DL4J sums per-example scores when average=false; our value is already the batch mean.
        return average ? v : v * preOutput.size(0);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        throw new UnsupportedOperationException(name() + " couples the whole batch: there is no per-example score");
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray g = get(labels, preOutput).getSecond();
        return activationFn.backprop(preOutput.dup(), g.dup()).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                         INDArray mask, boolean average) {
        return Pair.of(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }
}
