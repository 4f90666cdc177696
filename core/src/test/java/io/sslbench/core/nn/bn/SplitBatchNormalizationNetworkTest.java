package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;

import static org.junit.jupiter.api.Assertions.*;

/** The layer inside ComputationGraphs: JSON / ModelSerializer round trip, fit with workspaces, external errors. */
class SplitBatchNormalizationNetworkTest {

    private static ComputationGraph convNet(WorkspaceMode ws, org.nd4j.linalg.learning.config.IUpdater updater,
                                            boolean withOutputLayer) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).seed(9).updater(updater)
                .trainingWorkspaceMode(ws).inferenceWorkspaceMode(ws)
                .graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new SplitBatchNormalization.Builder().groups(2).eps(1e-3).momentum(0.2)
                        .gammaInit(0.5).betaInit(0.1).build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu");
        if (withOutputLayer) {
            b.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                    .activation(Activation.IDENTITY).build(), "pool").setOutputs("out");
        } else {
            b.setOutputs("pool");
        }
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    @Test
    void configurationJsonRoundTrip() {
        ComputationGraph g = convNet(WorkspaceMode.ENABLED, new Sgd(0.1), true);
        ComputationGraphConfiguration conf = g.getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        SplitBatchNormalization bn = (SplitBatchNormalization)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("bn")).getLayerConf().getLayer();
        assertEquals(2, bn.getGroups());
        assertEquals(1e-3, bn.getEps());
        assertEquals(0.2, bn.getMomentum());
        assertEquals(0.5, bn.getGammaInit());
        assertEquals(0.1, bn.getBetaInit());
        assertEquals(4, bn.getNOut());
        assertEquals(conf.toJson(), back.toJson());
        assertNotNull(conf.getMemoryReport(InputType.convolutional(6, 6, 2)));
    }

    @Test
    void modelSerializerRoundTripGivesIdenticalOutputs(@TempDir File dir) throws Exception {
        Nd4j.getRandom().setSeed(41);
        ComputationGraph g = convNet(WorkspaceMode.ENABLED, new Adam(1e-3), true);
        assertEquals(0.5, g.getLayer("bn").getParam("gamma").getDouble(0), 0.0);   // gammaInit
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 2, 6, 6);
        for (int i = 0; i < 3; i++) {
            g.output(true, Nd4j.randn(DataType.FLOAT, 4, 2, 6, 6));   // moves the running statistics
        }
        g.getLayer("bn").getParam("gamma").assign(Nd4j.rand(DataType.FLOAT, 4).addi(0.5));
        assertNotEquals(0.0, g.getLayer("bn").getParam("rmean").amaxNumber().doubleValue());

        File f = new File(dir, "net.zip");
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(g.getConfiguration(), r.getConfiguration());
        assertEquals(g.params(), r.params());
        assertTrue(r.getLayer("bn") instanceof SplitBatchNormalizationLayer);
        assertSame(LocalCollective.INSTANCE, ((SplitBatchNormalizationLayer) r.getLayer("bn")).getCollective());
        assertEquals(g.output(false, x)[0], r.output(false, x)[0]);
        assertEquals(g.output(true, x)[0], r.output(true, x)[0]);
        assertEquals(g.getLayer("bn").getParam("rvar"), r.getLayer("bn").getParam("rvar"));
    }

    @Test
    void fitWithWorkspacesUpdatesRunningStatsOnceAndOnlyInTheForwardPass() {
        Nd4j.getRandom().setSeed(42);
        ComputationGraph g = convNet(WorkspaceMode.ENABLED, new Adam(0.05), true);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, 2, 6, 6).muli(2).addi(0.5);
        INDArray y = Nd4j.randn(DataType.FLOAT, 6, 3);
        INDArray conv = g.feedForward(x, false).get("conv");      // [6, 4, 4, 4], before BN
        INDArray groupMeans = conv.reshape('c', 2, 3, 4, 16).mean(1, 3).mean(0);
        INDArray gv = conv.reshape('c', 2, 3, 4, 16).var(true, 1, 3).mean(0);  // unbiased per group, averaged
        INDArray rm0 = g.getLayer("bn").getParam("rmean").dup(), rv0 = g.getLayer("bn").getParam("rvar").dup();
        INDArray gamma0 = g.getLayer("bn").getParam("gamma").dup();

        g.fit(new DataSet(x, y));
        INDArray wantMean = rm0.mul(0.8).addi(groupMeans.mul(0.2));
        INDArray wantVar = rv0.mul(0.8).addi(gv.mul(0.2));
        assertEquals(0.0, g.getLayer("bn").getParam("rmean").sub(wantMean).amaxNumber().doubleValue(), 1e-5);
        assertEquals(0.0, g.getLayer("bn").getParam("rvar").sub(wantVar).amaxNumber().doubleValue(), 1e-4);
        assertNotEquals(gamma0, g.getLayer("bn").getParam("gamma"), "gamma must be trained");

        double first = g.score(new DataSet(x, y), false);
        for (int i = 0; i < 30; i++) {
            g.fit(new DataSet(x, y));
        }
        assertTrue(g.score(new DataSet(x, y), true) < first, "training did not reduce the loss");
        assertTrue(Double.isFinite(g.params().norm2Number().doubleValue()), "non-finite parameters after training");
    }

    @Test
    void externalErrorsRouteWithWorkspacesMatchesNoWorkspaces() {
        Nd4j.getRandom().setSeed(43);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 2, 6, 6);
        INDArray dLdz = Nd4j.randn(DataType.FLOAT, 4, 4);
        Gradient[] grads = new Gradient[2];
        WorkspaceMode[] modes = {WorkspaceMode.ENABLED, WorkspaceMode.NONE};
        ComputationGraph first = null;
        for (int i = 0; i < 2; i++) {
            ComputationGraph g = convNet(modes[i], new Sgd(0.1), false);
            if (first == null) {
                first = g;
            } else {
                g.setParams(first.params().dup());
            }
            g.feedForward(new INDArray[]{x}, true, false);
            grads[i] = g.backpropGradient(dLdz.dup());
            grads[i] = copy(grads[i]);
        }
        for (String k : new String[]{"bn_gamma", "bn_beta", "conv_W"}) {
            INDArray a = grads[0].getGradientFor(k), b = grads[1].getGradientFor(k);
            assertNotNull(a, k);
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-5, k);
            assertTrue(a.amaxNumber().doubleValue() > 0, k + " is all zero");
        }
        assertEquals(0.0, grads[0].getGradientFor("bn_rmean").amaxNumber().doubleValue());
    }

    private static Gradient copy(Gradient g) {
        Gradient c = new org.deeplearning4j.nn.gradient.DefaultGradient();
        g.gradientForVariable().forEach((k, v) -> c.setGradientFor(k, v.dup()));
        return c;
    }
}
