package io.sslbench.eval.cli;

import io.sslbench.core.aug.AugmentationStudy;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.SyntheticBatches;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.AtomicFiles;
import io.sslbench.core.util.SystemStats;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code sslbench bench}: throughput of the full training step (all views, loss, update) on synthetic
 * images after a warm-up, optionally against a bare {@code ComputationGraph.fit} of the same
 * encoder+heads on the same number of rows (the engine's overhead). Last line: {@code img/s: <n>}.
 */
final class BenchCommand implements Main.Command {
    @Override
    public String summary() {
        return "measure the training step's throughput (img/s) on synthetic images";
    }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("method", "M", "method id (" + String.join(", ", MethodProvider.available())
                        + "; its bundled cifar10 config is used)")
                        .completing(MethodProvider::available),
                Opt.value("backbone", "B", "e.g. small-cifar (default), resnet18-cifar"),
                Opt.value("batch", "N", "images per step (default 256); each image gives the method's views").ints(),
                Opt.value("steps", "S", "measured steps (default 5)").ints(),
                Opt.value("warmup", "W", "warm-up steps before them (default 2)").ints(),
                Opt.flag("baseline", "also time a bare ComputationGraph.fit of the same network on the same rows"),
                Opt.value("set", "KEY=VALUE", "override any config key").many(),
                Opt.flag("quiet", "no progress output"));
    }

    @Override
    public String footer() {
        return "Prints the step breakdown, peak RSS and, as the last line, 'img/s: <number>'.";
    }

    @Override
    public int run(Args a, PrintStream out) throws Exception {
        if (a.get("method") == null) {
            throw new Args.UsageException("--method is required");
        }
        List<String> sets = new ArrayList<>(a.all("set"));
        sets.add("backbone=" + a.get("backbone", "small-cifar"));
        sets.add("batchSize=" + a.intValue("batch", 256));
        sets.add("engine.quiet=true");
        RunConfig cfg = PretrainCommand.resolve(a.get("method"), null, sets, false);
        int steps = a.intValue("steps", 5);
        int warmup = a.intValue("warmup", 2);
        Backend.init();
        SslMethod method = MethodProvider.forConfig(cfg);
        BackboneSpec spec = BackboneSpec.parse(cfg.backbone());
        List<ViewPipeline> views = AugmentationStudy.apply(cfg.aug(), method.views(Presets.Target.CIFAR), Presets.Target.CIFAR);
        int[] sizes = views.stream().mapToInt(ViewPipeline::outputSize).toArray();
        OnlineNetwork.Built net = OnlineNetwork.build(OnlineNetwork.EncoderFactory.of(spec, method.zeroInitResidual()), method, 3, sizes[0],
                cfg.seed(), DataType.FLOAT);
        SyntheticBatches data = new SyntheticBatches(warmup + steps, cfg.batchSize(), 3, sizes, 10, cfg.seed(), DataType.FLOAT);
        Path tmp = Files.createTempDirectory("sslbench-bench");
        try {
            return timeSteps(a, out, cfg, method, spec, sizes, net, data, tmp, warmup, steps);
        } finally {
            AtomicFiles.deleteTree(tmp); // the trainer's run folder: metrics of synthetic steps, nothing to keep
        }
    }

    private static int timeSteps(Args a, PrintStream out, RunConfig cfg, SslMethod method, BackboneSpec spec,
                                 int[] sizes, OnlineNetwork.Built net, SyntheticBatches data, Path tmp, int warmup,
                                 int steps) {
        Trainer t = new Trainer(cfg, method, net, data, tmp, 10, null, null);
        out.printf(Locale.ROOT, "bench %s on %s, batch %d, views %s, helpers %s%n", method.id(), cfg.backbone(),
                cfg.batchSize(), Arrays.toString(sizes), Backend.helpersActive(net.graph()) ? "on" : "OFF");
        double bareBefore = a.flag("baseline") ? bareFit(method, spec, cfg, sizes, warmup, steps) : Double.NaN;
        double secs = 0;
        for (int s = 0; s < warmup + steps; s++) {
            var batch = data.batch(0, s);
            t.setStep(s);
            long t0 = System.nanoTime();
            t.trainStep(batch);
            double dt = (System.nanoTime() - t0) / 1e9;
            if (s >= warmup) {
                secs += dt;
            }
            out.printf(Locale.ROOT, "  step %d%s: %.3f s%n", s, s < warmup ? " (warm-up)" : "", dt);
        }
        double ips = steps * cfg.batchSize() / secs;
        out.printf(Locale.ROOT, "engine: %.2f img/s (%.2f views/s), peak RSS %.2f GB%n", ips, ips * sizes.length,
                SystemStats.peakRssBytes() / 1e9);
        if (a.flag("baseline")) {
            // bare fit timed before and after the engine, so JIT/allocator warm-up does not favour either side
            double bareAfter = bareFit(method, spec, cfg, sizes, warmup, steps);
            double bare = (bareBefore + bareAfter) / 2;
            out.printf(Locale.ROOT, "bare ComputationGraph.fit on the same %d rows/step: %.2f img/s before, %.2f after "
                    + "-> engine overhead %.1f%%%n", cfg.batchSize() * sizes.length, bareBefore, bareAfter, 100 * (1 - ips / bare));
        }
        out.printf(Locale.ROOT, "img/s: %.2f%n", ips);
        return 0;
    }

    /** Bare fit: same encoder and heads, MSE on random targets, all views' rows in one batch. */
    private static double bareFit(SslMethod method, BackboneSpec spec, RunConfig cfg, int[] sizes, int warmup, int steps) {
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(cfg.seed()).updater(new Sgd(0.01)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(sizes[0], sizes[0], 3));
        var enc = Backbones.addEncoder(g, "in", spec, "enc_");
        String head = method.addHeads(g, enc.output(), enc.featureDim());
        g.addLayer("out", new LossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build(), head).setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        int rows = cfg.batchSize() * sizes.length;
        INDArray x = Nd4j.randn(DataType.FLOAT, rows, 3, sizes[0], sizes[0]);
        INDArray y = net.output(false, x)[0].dup();
        MultiDataSet mds = new MultiDataSet(x, Nd4j.randn(DataType.FLOAT, y.shape()));
        double secs = 0;
        for (int s = 0; s < warmup + steps; s++) {
            long t0 = System.nanoTime();
            net.fit(mds);
            if (s >= warmup) {
                secs += (System.nanoTime() - t0) / 1e9;
            }
        }
        return steps * cfg.batchSize() / secs;
    }
}
