package io.sslbench.core.optim;

import io.sslbench.core.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerTest {

    static RunConfig.Optim optim(String name, double momentum, boolean nesterov, double wd) {
        RunConfig.Optim d = RunConfig.Optim.defaults();
        return new RunConfig.Optim(name, 0.1, false, momentum, nesterov, wd, 0, 0, true, 0.001, 0.9, 0.999, 1e-8, java.util.List.of());
    }

    static Map<String, INDArray> map(String k1, INDArray v1, String k2, INDArray v2) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    @Test
    void sgdWithMomentumAndWeightDecayFollowsPyTorchsRule() {
        Optimizer o = new Optimizer(optim("sgd", 0.9, false, 0.01), true, Set.of());
        INDArray w = Nd4j.createFromArray(1.0, -2.0);
        INDArray b = Nd4j.createFromArray(0.5);
        INDArray gw = Nd4j.createFromArray(0.2, 0.4);
        INDArray gb = Nd4j.createFromArray(1.0);
        o.step(map("fc_W", w, "fc_b", b), map("fc_W", gw, "fc_b", gb), 0.1, 0.1);
        // d = g + wd*w = (0.21, 0.38); v = d; w -= 0.1*v
        assertEquals(1.0 - 0.1 * 0.21, w.getDouble(0), 1e-12);
        assertEquals(-2.0 - 0.1 * 0.38, w.getDouble(1), 1e-12);
        assertEquals(0.5 - 0.1 * 1.0, b.getDouble(0), 1e-12, "bias: no weight decay (excludeBnBias)");
        o.step(map("fc_W", w, "fc_b", b), map("fc_W", gw, "fc_b", gb), 0.1, 0.1);
        double d0 = 0.2 + 0.01 * (1.0 - 0.021);
        double v0 = 0.9 * 0.21 + d0;
        assertEquals(1.0 - 0.021 - 0.1 * v0, w.getDouble(0), 1e-12);
    }

    @Test
    void nesterovUsesTheLookAheadGradient() {
        Optimizer o = new Optimizer(optim("sgd", 0.5, true, 0), true, Set.of());
        INDArray w = Nd4j.createFromArray(1.0);
        INDArray g = Nd4j.createFromArray(1.0);
        o.step(Map.of("a_W", w), Map.of("a_W", g), 1.0, 1.0);
        assertEquals(1.0 - (1.0 + 0.5 * 1.0), w.getDouble(0), 1e-12); // v = g; d = g + mu*v
    }

    @Test
    void larsScalesByTheTrustRatioAndExcludesBiasAndNorm() {
        Optimizer o = new Optimizer(optim("lars", 0.0, false, 0), true, Set.of());
        INDArray w = Nd4j.createFromArray(3.0, 4.0);          // ||w|| = 5
        INDArray g = Nd4j.createFromArray(0.0, 0.5);          // ||g|| = 0.5
        INDArray gamma = Nd4j.createFromArray(1.0);
        INDArray gg = Nd4j.createFromArray(0.5);
        o.step(map("c_W", w, "bn_gamma", gamma), map("c_W", g, "bn_gamma", gg), 1.0, 1.0);
        double trust = 0.001 * 5 / 0.5;
        assertEquals(4.0 - trust * 0.5, w.getDouble(1), 1e-12);
        assertEquals(3.0, w.getDouble(0), 1e-12);
        assertEquals(1.0 - 0.5, gamma.getDouble(0), 1e-12, "BN gamma: plain update, no adaptation");
    }

    /** MoCo's and SimSiam's {@code SGD(model.parameters())} and SwAV's {@code LARC}: every parameter decayed and adapted. */
    @Test
    void withoutExclusionBiasAndNormAreDecayedAndAdaptedLikeWeights() {
        Optimizer sgd = new Optimizer(optim("sgd", 0, false, 0.01), false, Set.of());
        INDArray b = Nd4j.createFromArray(0.5);
        sgd.step(Map.of("fc_b", b), Map.of("fc_b", Nd4j.createFromArray(1.0)), 0.1, 0.1);
        assertEquals(0.5 - 0.1 * (1.0 + 0.01 * 0.5), b.getDouble(0), 1e-12, "bias decayed");

        Optimizer lars = new Optimizer(optim("lars", 0.0, false, 0.1), false, Set.of());
        INDArray gamma = Nd4j.createFromArray(3.0, 4.0);   // ||w|| = 5
        INDArray gg = Nd4j.createFromArray(0.0, 0.5);
        lars.step(Map.of("bn_gamma", gamma), Map.of("bn_gamma", gg), 1.0, 1.0);
        double d0 = 0.1 * 3.0, d1 = 0.5 + 0.1 * 4.0;       // g + wd*w
        double trust = 0.001 * 5 / Math.hypot(d0, d1);
        assertEquals(3.0 - trust * d0, gamma.getDouble(0), 1e-12, "BN gamma decayed and adapted");
        assertEquals(4.0 - trust * d1, gamma.getDouble(1), 1e-12);
    }

    @Test
    void adamWDecouplesWeightDecayAndAdamBiasCorrects() {
        Optimizer o = new Optimizer(optim("adamw", 0, false, 0.1), true, Set.of());
        INDArray w = Nd4j.createFromArray(2.0);
        o.step(Map.of("x_W", w), Map.of("x_W", Nd4j.createFromArray(0.3)), 0.01, 0.01);
        // step 1: m̂ = g, v̂ = g², update = lr * g/(|g| + eps) = lr; decay first: w *= 1 - lr*wd
        assertEquals(2.0 * (1 - 0.001) - 0.01 * 0.3 / (0.3 + 1e-8), w.getDouble(0), 1e-9);
    }

    @Test
    void bnRunningStatsTakeTheirUpdateFrozenAndForwardStatsAreSkipped() {
        Optimizer o = new Optimizer(optim("sgd", 0.9, false, 0.5), true, Set.of());
        INDArray mean = Nd4j.createFromArray(1.0);
        INDArray rmean = Nd4j.createFromArray(7.0);
        INDArray frozen = Nd4j.createFromArray(3.0);
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("bn_mean", mean);
        p.put("sbn_rmean", rmean);
        p.put("prototypes_W", frozen);
        Map<String, INDArray> g = new LinkedHashMap<>();
        g.put("bn_mean", Nd4j.createFromArray(0.25));
        g.put("sbn_rmean", Nd4j.createFromArray(100.0));
        g.put("prototypes_W", Nd4j.createFromArray(100.0));
        o.step(p, g, 1.0, 1.0, Set.of("prototypes"));
        assertEquals(0.75, mean.getDouble(0), 1e-12, "DL4J BN stat: w -= g, no lr/momentum/decay");
        assertEquals(7.0, rmean.getDouble(0), 0.0);
        assertEquals(3.0, frozen.getDouble(0), 0.0);
    }

    @Test
    void fixedLrPrefixesIgnoreTheSchedule() {
        Optimizer o = new Optimizer(optim("sgd", 0, false, 0), true, Set.of("pred"));
        INDArray a = Nd4j.createFromArray(1.0), b = Nd4j.createFromArray(1.0);
        o.step(map("pred0_fc_W", a, "proj0_fc_W", b), map("pred0_fc_W", Nd4j.createFromArray(1.0), "proj0_fc_W",
                Nd4j.createFromArray(1.0)), 0.01, 0.5);
        assertEquals(0.5, a.getDouble(0), 1e-12);
        assertEquals(0.99, b.getDouble(0), 1e-12);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        RunConfig.Optim c = optim("adam", 0, false, 0.01);
        Optimizer a = new Optimizer(c, true, Set.of());
        INDArray w1 = Nd4j.rand(DataType.DOUBLE, 3);
        INDArray w2 = w1.dup();
        INDArray g = Nd4j.rand(DataType.DOUBLE, 3);
        a.step(Map.of("k_W", w1), Map.of("k_W", g), 0.1, 0.1);
        Optimizer b = new Optimizer(c, true, Set.of());
        b.restore(a.state());
        w2.assign(w1);
        a.step(Map.of("k_W", w1), Map.of("k_W", g), 0.1, 0.1);
        b.step(Map.of("k_W", w2), Map.of("k_W", g), 0.1, 0.1);
        assertEquals(w1, w2);
    }

    @Test
    void schedules() {
        assertEquals(0.1, Schedules.warmupCosine(1.0, 0, 10, 100, 0, true), 1e-12, "warm-up step 0 = base/warmup");
        assertEquals(1.0, Schedules.warmupCosine(1.0, 9, 10, 100, 0, true), 1e-12);
        assertEquals(1.0, Schedules.warmupCosine(1.0, 10, 10, 100, 0, true), 1e-12, "cosine starts at base");
        assertEquals(0.5, Schedules.warmupCosine(1.0, 55, 10, 100, 0, true), 1e-12, "half-way");
        assertEquals(0.1, Schedules.warmupCosine(1.0, 100, 10, 100, 0.1, true), 1e-12, "ends at min fraction");
        assertEquals(1.0, Schedules.warmupCosine(1.0, 70, 10, 100, 0, false), 1e-12);
        assertEquals(0.996, Schedules.cosineMomentum(0.996, 0, 1000), 1e-12);
        assertEquals(0.998, Schedules.cosineMomentum(0.996, 500, 1000), 1e-12);
        assertEquals(1.0, Schedules.cosineMomentum(0.996, 1000, 1000), 1e-12);
        assertEquals(0.6, Schedules.scaleLr(0.3, 512, true), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Schedules.cosineMomentum(0.9, -1, 10));
    }

    /** MoCo v1's --schedule 120 160 of 200 epochs as fractions [0.6, 0.8], 5 steps an epoch; and a 10-epoch run. */
    @Test
    void stepScheduleDropsTenfoldAtEachMilestoneEpoch() {
        java.util.List<Double> moco = java.util.List.of(0.6, 0.8);
        assertEquals(0.03, Schedules.stepDecay(0.03, 0, 5, 200, moco), 1e-15);
        assertEquals(0.03, Schedules.stepDecay(0.03, 120 * 5 - 1, 5, 200, moco), 1e-15, "last step of epoch 119");
        assertEquals(0.003, Schedules.stepDecay(0.03, 120 * 5, 5, 200, moco), 1e-15, "epoch 120: x0.1");
        assertEquals(0.003, Schedules.stepDecay(0.03, 160 * 5 - 1, 5, 200, moco), 1e-15);
        assertEquals(0.0003, Schedules.stepDecay(0.03, 160 * 5, 5, 200, moco), 1e-15, "epoch 160: x0.01");
        assertEquals(0.0003, Schedules.stepDecay(0.03, 200 * 5 - 1, 5, 200, moco), 1e-15);
        assertEquals(1.0, Schedules.stepDecay(1.0, 5 * 6 - 1, 5, 10, moco), 1e-15, "10 epochs: drops at epochs 6 and 8");
        assertEquals(0.1, Schedules.stepDecay(1.0, 5 * 6, 5, 10, moco), 1e-15);
        assertEquals(0.01, Schedules.stepDecay(1.0, 5 * 8, 5, 10, moco), 1e-15);
        assertEquals(0.7, Schedules.stepDecay(0.7, 999, 5, 10, java.util.List.of()), 0.0, "no milestones: unchanged");
        assertThrows(IllegalArgumentException.class, () -> Schedules.stepDecay(1, -1, 5, 10, moco));
    }

    /**
     * The fused FLOAT updates (one pass over the raw buffers) against the reference ND4J ops run in DOUBLE on the same
     * values, over several steps, for every rule: c-order conv weights, f-order dense weights (DL4J's layout), a
     * parameter long enough to be split into parallel ranges, and an excluded bias. Bound: float rounding of O(1)
     * values over 3 steps (relative 1e-5 of the largest magnitude).
     */
    @Test
    void fusedFloatUpdatesMatchTheReferenceOpsInDouble() {
        String[][] rules = {{"sgd", "0.9", "false", "0.01"}, {"sgd", "0.9", "true", "0.001"}, {"sgd", "0", "false", "0"},
                {"lars", "0.9", "false", "1e-6"}, {"adam", "0", "false", "0.01"}, {"adamw", "0", "false", "0.05"}};
        for (String[] r : rules) {
            RunConfig.Optim cfg = optim(r[0], Double.parseDouble(r[1]), Boolean.parseBoolean(r[2]), Double.parseDouble(r[3]));
            Optimizer fused = new Optimizer(cfg, true, Set.of()), reference = new Optimizer(cfg, true, Set.of());
            Nd4j.getRandom().setSeed(11);
            Map<String, INDArray> wf = new LinkedHashMap<>(), wd = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            shapes.put("conv_W", new long[]{8, 4, 3, 3});
            shapes.put("fc_W", new long[]{300, 250});     // 75,000 values: more than one parallel range
            shapes.put("fc_b", new long[]{1, 250});
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                char order = e.getKey().equals("fc_W") ? 'f' : 'c';
                INDArray w = Nd4j.randn(DataType.FLOAT, e.getValue()).dup(order);
                wf.put(e.getKey(), w);
                wd.put(e.getKey(), w.castTo(DataType.DOUBLE));
            }
            assertTrue(io.sslbench.core.util.Buffers.sameDenseLayout(wf.get("fc_W"), wf.get("fc_W").dup('f')));
            for (int step = 0; step < 3; step++) {
                Map<String, INDArray> gf = new LinkedHashMap<>(), gd = new LinkedHashMap<>();
                for (Map.Entry<String, INDArray> e : wf.entrySet()) {
                    INDArray g = Nd4j.randn(DataType.FLOAT, e.getValue().shape()).dup(e.getValue().ordering());
                    gf.put(e.getKey(), g);
                    gd.put(e.getKey(), g.castTo(DataType.DOUBLE));
                }
                fused.step(wf, gf, 0.05, 0.05);
                reference.step(wd, gd, 0.05, 0.05);
            }
            for (String k : wf.keySet()) {
                INDArray a = wf.get(k).castTo(DataType.DOUBLE), b = wd.get(k);
                double rel = a.sub(b).amaxNumber().doubleValue() / Math.max(1.0, b.amaxNumber().doubleValue());
                assertTrue(rel < 1e-5, r[0] + " " + java.util.Arrays.toString(r) + " " + k + ": " + rel);
            }
        }
    }
}
