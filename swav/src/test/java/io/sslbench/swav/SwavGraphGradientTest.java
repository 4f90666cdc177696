package io.sslbench.swav;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.StepInputs;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.testing.TinyNets;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole-graph SwAV gradient: the engine's gradient of every checked parameter equals a central finite
 * difference of the swapped-prediction loss with the Sinkhorn codes held fixed (the official code computes them
 * under {@code torch.no_grad()}), in DOUBLE, through encoder, projection head, normalisation and prototypes.
 */
class SwavGraphGradientTest {
    private static final double TAU = 0.1;

    /** 1/2 [CE(q0, softmax(s1/tau)) + CE(q1, softmax(s0/tau))], each averaged over the batch. */
    private static double fixedCodeLoss(INDArray scores, INDArray q0, INDArray q1, int b) {
        INDArray s0 = scores.get(NDArrayIndex.interval(0, b), NDArrayIndex.all());
        INDArray s1 = scores.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all());
        return 0.5 * (ce(q0, s1, b) + ce(q1, s0, b));
    }

    private static double ce(INDArray q, INDArray s, int b) {
        INDArray logits = s.div(TAU);
        INDArray max = logits.max(1).reshape(b, 1);
        INDArray shifted = logits.subColumnVector(max);
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted).sum(1)).reshape(b, 1);
        INDArray logP = shifted.subColumnVector(logSumExp);
        return -q.mul(logP).sumNumber().doubleValue() / b;
    }

    @Test
    void engineGradientIsTheGradientOfTheSwappedPredictionWithFixedCodes() {
        int b = 6, d = 8, k = 5;
        RunConfig cfg = RunConfig.from(ConfigTree.override(ConfigTree.load("swav-cifar10"), List.of(
                "backbone=tiny", "batchSize=" + b, "epochs=2", "method.smallCrops=0", "method.hidden=12",
                "method.outDim=" + d, "method.numPrototypes=" + k, "method.freezePrototypesEpochs=0",
                "engine.quiet=true", "engine.onlineProbe=false", "engine.knnMonitorEvery=0")));
        SslMethod m = MethodProvider.forConfig(cfg);
        OnlineNetwork.Built net = OnlineNetwork.build(TinyNets.encoder(false), m, 3, 8, 3, DataType.DOUBLE);
        Trainer t = new Trainer(cfg, m, net, TinyNets.source(1, b, 8, 3, 3, DataType.DOUBLE), null, 3, null, null);
        INDArray[] views = TinyNets.source(1, b, 8, 3, 5, DataType.DOUBLE).epoch(0, 0).next().views();
        StepInputs in = m.prepare(t.context(), views);
        Trainer.StepGradients sg = t.gradients(in);
        ComputationGraph g = t.context().online();
        INDArray grad = g.getFlattenedGradients().dup();
        INDArray scores0 = sg.onlineOutput().get(NDArrayIndex.all(), NDArrayIndex.interval(d, d + k)).dup();
        INDArray q0 = SinkhornKnopp.codes(scores0.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()), 0.05, 3);
        INDArray q1 = SinkhornKnopp.codes(scores0.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()), 0.05, 3);
        assertEquals(sg.loss().value(), fixedCodeLoss(scores0, q0, q1, b), 1e-9, "the reference is SwAV's loss");

        int checked = 0, nonZero = 0;
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (var e : g.paramTable().entrySet()) {
            String key = e.getKey();
            io.sslbench.core.optim.ParamKind kind = io.sslbench.core.optim.ParamKind.of(key);
            if (kind == io.sslbench.core.optim.ParamKind.BN_RUNNING_STAT || kind == io.sslbench.core.optim.ParamKind.FORWARD_STAT) {
                continue; // BN running statistics: DL4J's "gradient" there is the running-average update
            }
            keys.add(key);
            INDArray p = e.getValue(); // a view into the flattened parameters: writes reach the network
            INDArray gk = sg.grads().get(key).dup();
            assertArrayEquals(p.shape(), gk.shape(), key);
            for (long idx = 0; idx < p.length(); idx += Math.max(1, p.length() / 3)) {
                long[] at = org.nd4j.linalg.api.shape.Shape.ind2subC(p.shape(), idx);
                double orig = p.getDouble(at);
                p.putScalar(at, orig + 1e-6);
                double plus = fixedCodeLoss(scoresOf(t, in, d, k), q0, q1, b);
                p.putScalar(at, orig - 1e-6);
                double minus = fixedCodeLoss(scoresOf(t, in, d, k), q0, q1, b);
                p.putScalar(at, orig);
                double numeric = (plus - minus) / 2e-6;
                assertEquals(numeric, gk.getDouble(at), 1e-7 + 1e-4 * Math.abs(numeric), key + java.util.Arrays.toString(at));
                checked++;
                nonZero += Math.abs(numeric) > 1e-6 ? 1 : 0;
            }
        }
        assertTrue(keys.contains(Swav.PROTOTYPES + "_W") && keys.stream().anyMatch(x -> x.startsWith("enc_")), keys.toString());
        assertTrue(checked > 20 && nonZero > 10, checked + " checked, " + nonZero + " non-zero");
    }

    private static INDArray scoresOf(Trainer t, StepInputs in, int d, int k) {
        return t.gradients(in).onlineOutput().get(NDArrayIndex.all(), NDArrayIndex.interval(d, d + k)).dup();
    }
}
