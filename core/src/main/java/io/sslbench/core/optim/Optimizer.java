package io.sslbench.core.optim;

import io.sslbench.core.config.RunConfig;
import io.sslbench.core.util.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine's optimisers — SGD (momentum, Nesterov), LARS, Adam and AdamW — applied parameter by
 * parameter to a DL4J graph's param table with the gradients of the MEAN loss (DL4J's own updater is
 * not used). One implementation serves every method; its state is a map of arrays for checkpoints.
 *
 * <p>Update rules (PyTorch conventions; lr is this step's learning rate):
 * <ul>
 * <li>SGD: {@code g += wd·w; v = μ·v + g; w -= lr·(nesterov ? g + μ·v : v)}</li>
 * <li>LARS (You et al. 2017, as in SimCLR/BYOL): {@code g += wd·w;
 *     trust = η·‖w‖/‖g‖ (1 if either norm is 0); v = μ·v + lr·trust·g; w -= v}.</li>
 * <li>Adam: {@code g += wd·w; m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²;
 *     w -= lr·m̂/(√v̂ + ε)}; AdamW decouples: {@code w -= lr·wd·w} instead of adding to g.</li>
 * </ul>
 * With {@code excludeBnBias} (a method's choice, {@link io.sslbench.core.engine.SslMethod#excludeBnBias()}), bias and
 * BN parameters ({@link ParamKind#BIAS_OR_NORM}) skip weight decay, and under LARS also the adaptation (trust 1), as
 * SimCLR's and BYOL's LARS; without it every parameter is decayed and adapted, as PyTorch's {@code SGD(model.parameters())}
 * in MoCo and SimSiam and apex's {@code LARC} in SwAV.
 * DL4J BatchNormalization running statistics get {@code w -= g} (DL4J stores the running-average
 * update in their gradient slot); statistics maintained in the forward pass are left alone.
 *
 * <p>FLOAT parameters whose gradient and state share their dense layout are updated by {@link FusedUpdates} (one
 * pass each, same arithmetic); anything else (DOUBLE, strided views) by the ND4J ops below, the reference.
 */
public final class Optimizer {
    private final RunConfig.Optim cfg;
    private final boolean excludeBnBias;
    private final Map<String, INDArray> state = new LinkedHashMap<>();
    private final Set<String> fixedLrPrefixes;
    private long steps;

    /**
     * @param cfg             optimiser section
     * @param excludeBnBias   exclude bias and BN parameters from weight decay and LARS adaptation
     * @param fixedLrPrefixes layer-name prefixes trained at the base lr without schedule (SimSiam predictor)
     */
    public Optimizer(RunConfig.Optim cfg, boolean excludeBnBias, Set<String> fixedLrPrefixes) {
        this.cfg = cfg;
        this.excludeBnBias = excludeBnBias;
        this.fixedLrPrefixes = Set.copyOf(fixedLrPrefixes);
    }

    /**
     * One update of every parameter.
     *
     * @param params    the graph's param table (views into its flat parameter vector)
     * @param grads     gradient views with the same keys
     * @param lr        scheduled learning rate of this step
     * @param baseLr    unscheduled (batch-scaled) learning rate, for fixed-lr parameters
     */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr, double baseLr) {
        step(params, grads, lr, baseLr, Set.of());
    }

    /** As {@link #step(Map, Map, double, double)}, leaving parameters under {@code frozenPrefixes} unchanged. */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr, double baseLr,
                     Set<String> frozenPrefixes) {
        steps++;
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String key = e.getKey();
            INDArray w = e.getValue();
            INDArray g = grads.get(key);
            ParamKind kind = ParamKind.of(key);
            if (kind == ParamKind.FORWARD_STAT || frozenPrefixes.stream().anyMatch(key::startsWith)) {
                continue;
            }
            if (g == null) {
                throw new IllegalStateException("no gradient for parameter " + key);
            }
            if (kind == ParamKind.BN_RUNNING_STAT) {
                w.subi(g);
                continue;
            }
            boolean excluded = kind == ParamKind.BIAS_OR_NORM && excludeBnBias;
            double wd = excluded ? 0 : cfg.weightDecay();
            double stepLr = isFixed(key) ? baseLr : lr;
            switch (cfg.name()) {
                case "sgd" -> sgd(key, w, g, stepLr, wd);
                case "lars" -> lars(key, w, g, stepLr, wd, !excluded);
                case "adam", "adamw" -> adam(key, w, g, stepLr, wd, cfg.name().equals("adamw"));
                default -> throw new IllegalStateException(cfg.name());
            }
        }
    }

    private boolean isFixed(String key) {
        for (String p : fixedLrPrefixes) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** State array {@code name} shaped and laid out like {@code like} (a restored array of another layout is converted). */
    private INDArray buf(String name, INDArray like) {
        INDArray have = state.get(name);
        if (have == null || (!Arrays.equals(have.stride(), like.stride())
                && Arrays.equals(have.shape(), like.shape()) && Buffers.sameDenseLayout(like))) {
            INDArray fresh = Nd4j.create(like.dataType(), like.shape(), like.ordering());
            if (have != null) {
                fresh.assign(have);
            }
            state.put(name, fresh);
            return fresh;
        }
        return have;
    }

    private void sgd(String key, INDArray w, INDArray g, double lr, double wd) {
        double mu = cfg.momentum();
        INDArray vb = mu > 0 ? buf(key + "/v", w) : null;
        if (vb == null ? Buffers.sameDenseLayout(w, g) : Buffers.sameDenseLayout(w, g, vb)) {
            FusedUpdates.sgd(Buffers.floats(w), Buffers.floats(g), vb == null ? null : Buffers.floats(vb),
                    (int) w.length(), lr, wd, mu, cfg.nesterov());
            return;
        }
        INDArray d = wd > 0 ? g.add(w.mul(wd)) : g.dup();
        if (mu > 0) {
            INDArray v = buf(key + "/v", w);
            v.muli(mu).addi(d);
            if (cfg.nesterov()) {
                d.addi(v.mul(mu));
            } else {
                d = v;
            }
        }
        w.subi(d.mul(lr));
    }

    private void lars(String key, INDArray w, INDArray g, double lr, double wd, boolean adapt) {
        INDArray vb = buf(key + "/v", w);
        if (Buffers.sameDenseLayout(w, g, vb)) {
            double trust = 1.0;
            if (adapt) {
                double[] norms = FusedUpdates.norms(Buffers.floats(w), Buffers.floats(g), (int) w.length(), wd);
                if (norms[0] > 0 && norms[1] > 0) {
                    trust = cfg.larsEta() * norms[0] / norms[1];
                }
            }
            FusedUpdates.lars(Buffers.floats(w), Buffers.floats(g), Buffers.floats(vb), (int) w.length(), lr * trust, wd,
                    cfg.momentum());
            return;
        }
        INDArray d = wd > 0 ? g.add(w.mul(wd)) : g.dup();
        double trust = 1.0;
        if (adapt) {
            double wn = w.norm2Number().doubleValue();
            double gn = d.norm2Number().doubleValue();
            if (wn > 0 && gn > 0) {
                trust = cfg.larsEta() * wn / gn;
            }
        }
        INDArray v = buf(key + "/v", w);
        v.muli(cfg.momentum()).addi(d.muli(lr * trust));
        w.subi(v);
    }

    private void adam(String key, INDArray w, INDArray g, double lr, double wd, boolean decoupled) {
        INDArray m = buf(key + "/m", w);
        INDArray v = buf(key + "/v", w);
        double b1 = cfg.beta1(), b2 = cfg.beta2();
        if (Buffers.sameDenseLayout(w, g, m, v)) {
            FusedUpdates.adam(Buffers.floats(w), Buffers.floats(g), Buffers.floats(m), Buffers.floats(v), (int) w.length(),
                    lr, wd, decoupled, b1, b2, 1 - Math.pow(b1, steps), 1 - Math.pow(b2, steps), cfg.eps());
            return;
        }
        INDArray d = (!decoupled && wd > 0) ? g.add(w.mul(wd)) : g;
        m.muli(b1).addi(d.mul(1 - b1));
        v.muli(b2).addi(d.mul(d).muli(1 - b2));
        double c1 = 1 - Math.pow(b1, steps), c2 = 1 - Math.pow(b2, steps);
        if (decoupled && wd > 0) {
            w.muli(1 - lr * wd);
        }
        INDArray denom = Transforms.sqrt(v.div(c2), false).addi(cfg.eps());
        w.subi(m.div(c1).divi(denom).muli(lr));
    }

    /** @return the optimiser's state (copies), for checkpoints */
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.dup()));
        out.put("__steps", Nd4j.scalar((double) steps));
        return out;
    }

    /** Restores the state written by {@link #state()}. */
    public void restore(Map<String, INDArray> saved) {
        state.clear();
        saved.forEach((k, v) -> {
            if (k.equals("__steps")) {
                steps = (long) v.getDouble(0);
            } else {
                state.put(k, v.dup());
            }
        });
    }
}
