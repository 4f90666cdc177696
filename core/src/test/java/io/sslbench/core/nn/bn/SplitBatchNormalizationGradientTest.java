package io.sslbench.core.nn.bn;

import io.sslbench.core.testing.GradCheck;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static io.sslbench.core.nn.bn.BnFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** Finite differences in DOUBLE: core's GradCheck on the bare layer, DL4J's GradientCheckUtil on small graphs. */
class SplitBatchNormalizationGradientTest {

    /** f(x) = sum(w * layer_train(x)); df/dx = backprop(w), df/dgamma, df/dbeta likewise. */
    @Test
    void layerGradientsMatchFiniteDifferences() {
        Nd4j.getRandom().setSeed(21);
        for (Object[] cse : new Object[][]{{new long[]{9, 3}, 3}, {new long[]{4, 2, 3, 3}, 2}}) {
            long[] shape = (long[]) cse[0];
            int groups = (int) cse[1];
            long c = shape[1];
            Layer l = split(c, groups, 1e-5);
            setAffine(l, Nd4j.rand(DataType.DOUBLE, c).addi(0.5), Nd4j.randn(DataType.DOUBLE, c));
            INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(2).addi(0.7);
            INDArray w = Nd4j.randn(DataType.DOUBLE, shape);
            java.util.function.ToDoubleFunction<INDArray> f = any -> forward(l, x, true).mul(w).sumNumber().doubleValue();

            forward(l, x, true);
            Pair<Gradient, INDArray> g = backward(l, w);
            double errX = GradCheck.maxRelativeError(xx -> forward(l, xx, true).mul(w).sumNumber().doubleValue(), x, g.getSecond(), 1e-6);
            double errGamma = GradCheck.maxRelativeError(f, l.getParam("gamma"), g.getFirst().getGradientFor("gamma"), 1e-6);
            double errBeta = GradCheck.maxRelativeError(f, l.getParam("beta"), g.getFirst().getGradientFor("beta"), 1e-6);
            String what = java.util.Arrays.toString(shape) + " groups=" + groups;
            assertTrue(errX < 1e-6, what + " dL/dx rel err " + errX);
            assertTrue(errGamma < 1e-6, what + " dL/dgamma rel err " + errGamma);
            assertTrue(errBeta < 1e-6, what + " dL/dbeta rel err " + errBeta);
        }
    }

    private static NeuralNetConfiguration.Builder doubleNoOp() {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(5).updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE);
    }

    /** GradientCheckUtil insists on DOUBLE as the global default type; restored afterwards. */
    private static boolean gradientCheck(ComputationGraph g, INDArray x, INDArray y) {
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[]{x}).labels(new INDArray[]{y})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
    }

    @Test
    void dl4jGradientCheckOnConvGraph() {
        Nd4j.getRandom().setSeed(22);
        ComputationGraphConfiguration conf = doubleNoOp().graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(4, 4, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new SplitBatchNormalization.Builder().groups(2).build(), "conv")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "act")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        setAffine(g.getLayer("bn"), Nd4j.rand(DataType.DOUBLE, 3).addi(0.5), Nd4j.randn(DataType.DOUBLE, 3).muli(0.3));
        assertTrue(gradientCheck(g, Nd4j.randn(DataType.DOUBLE, 6, 1, 4, 4), Nd4j.randn(DataType.DOUBLE, 6, 2)));
    }

    @Test
    void dl4jGradientCheckOnDenseGraph() {
        Nd4j.getRandom().setSeed(23);
        ComputationGraphConfiguration conf = doubleNoOp().graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(3))
                .addLayer("fc", new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new SplitBatchNormalization.Builder().groups(3).build(), "fc")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.TANH).build(), "bn")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        setAffine(g.getLayer("bn"), Nd4j.rand(DataType.DOUBLE, 3).addi(0.5), Nd4j.randn(DataType.DOUBLE, 3).muli(0.3));
        assertTrue(gradientCheck(g, Nd4j.randn(DataType.DOUBLE, 9, 3), Nd4j.randn(DataType.DOUBLE, 9, 2)));
    }
}
