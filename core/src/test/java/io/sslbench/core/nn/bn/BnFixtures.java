package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

/** Stand-alone layer instances (no network) and small helpers shared by the BN tests. */
final class BnFixtures {
    private BnFixtures() {}

    static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    /** Instantiates a layer configuration on its own with fresh parameter and gradient views. */
    static Layer standalone(org.deeplearning4j.nn.conf.layers.Layer layerConf, DataType dt) {
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(dt).updater(new NoOp())
                .layer(layerConf).build();
        long np = nnc.getLayer().initializer().numParams(nnc);
        INDArray params = Nd4j.create(dt, 1, np);
        Layer l = nnc.getLayer().instantiate(nnc, null, 0, params, true, dt);
        l.setBackpropGradientsViewArray(Nd4j.create(dt, 1, np));
        return l;
    }

    static Layer split(long channels, int groups, double eps) {
        return standalone(new SplitBatchNormalization.Builder().channels(channels).groups(groups).eps(eps).build(),
                DataType.DOUBLE);
    }

    static Layer dl4jBn(long channels, double eps) {
        return standalone(new BatchNormalization.Builder().nIn(channels).nOut(channels).eps(eps).useLogStd(false).build(),
                DataType.DOUBLE);
    }

    /** Sets gamma and beta of a (split or DL4J) BN layer. */
    static void setAffine(Layer l, INDArray gamma, INDArray beta) {
        l.getParam("gamma").assign(gamma.reshape(l.getParam("gamma").shape()));
        l.getParam("beta").assign(beta.reshape(l.getParam("beta").shape()));
    }

    static INDArray forward(Layer l, INDArray x, boolean training) {
        l.setInput(x, NO_WS);
        return l.activate(training, NO_WS).dup();
    }

    /** @return (gradient copies, dL/dx) */
    static Pair<Gradient, INDArray> backward(Layer l, INDArray dy) {
        Pair<Gradient, INDArray> p = l.backpropGradient(dy, NO_WS);
        Gradient g = new org.deeplearning4j.nn.gradient.DefaultGradient();
        p.getFirst().gradientForVariable().forEach((k, v) -> g.setGradientFor(k, v.dup()));
        return new Pair<>(g, p.getSecond().dup());
    }

    /** Rows {@code [from, to)} of dimension 0. */
    static INDArray rows(INDArray x, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < x.rank(); d++) {
            idx[d] = NDArrayIndex.all();
        }
        return x.get(idx).dup();
    }

    /** max |a - b| / max(1, max |b|): relative to the scale of the reference. */
    static double relDiff(INDArray a, INDArray b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new AssertionError("shapes differ: " + java.util.Arrays.toString(a.shape()) + " vs "
                    + java.util.Arrays.toString(b.shape()));
        }
        double scale = Math.max(1.0, b.amaxNumber().doubleValue());
        return a.sub(b).amaxNumber().doubleValue() / scale;
    }
}
