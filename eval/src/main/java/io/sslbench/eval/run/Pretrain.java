package io.sslbench.eval.run;

import com.google.gson.GsonBuilder;
import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.aug.AugmentationStudy;
import io.sslbench.core.aug.MultiViewLoader;
import io.sslbench.core.aug.Normalization;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.data.DataRoot;
import io.sslbench.core.data.Datasets;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.LoadOptions;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.Provenances;
import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.AtomicFiles;
import io.sslbench.eval.protocol.FeatureExtractor;
import io.sslbench.eval.protocol.Knn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Pretrains one method end to end on real data: loads the data set, builds the method and its
 * online network, trains with the shared {@link Trainer} (resuming if the run folder has a
 * checkpoint), and writes the run folder: {@code config.yaml} (resolved), {@code provenance.json},
 * {@code metrics.jsonl}, {@code checkpoints/}, {@code model.zip} (online network, DL4J format) and
 * {@code summary.json}.
 */
public final class Pretrain {
    private Pretrain() {}

    private static final String MODEL = "model.zip";

    /** What a finished pretraining leaves for evaluation. */
    public record Outcome(Path runDir, RunConfig config, SslMethod method, ComputationGraph online, String featuresVertex,
                          int featureDim, Trainer.Result result, Provenance provenance, Data data) {
    }

    /**
     * The data of a run.
     *
     * @param pretrain the pretraining images: the class-balanced {@code data.subset} of the training split, or with a
     *                 separate {@code data.pretrainSplit} (e.g. STL-10's train+unlabeled) that split, thinned to
     *                 {@code data.subset} evenly spaced images
     * @param train    the labelled training images evaluation uses (kNN bank, linear probe, floors): the whole
     *                 training split, or its class-balanced {@code data.evalSubset}; independent of what was pretrained on
     * @param test     the evaluation images (the class-balanced {@code data.testSubset} of the test split, 0 = all)
     * @param labelled the whole labelled training split: the pool the semi-supervised subsets are drawn from
     * @param target   the augmentation regime (CIFAR or ImageNet sizes)
     * @param norm     the per-channel normalisation
     */
    public record Data(ImageDataset pretrain, ImageDataset train, ImageDataset test, ImageDataset labelled,
                       Presets.Target target, Normalization norm) {
        /** Pretraining on the labelled training images themselves. */
        public Data(ImageDataset train, ImageDataset test, ImageDataset labelled, Presets.Target target, Normalization norm) {
            this(train, train, test, labelled, target, norm);
        }
    }

    /**
     * Refuses a {@code data.subset}, {@code data.evalSubset} or {@code data.testSubset} larger than the split it selects
     * from (it used to be cut silently, so a run claimed a scale it did not have). With a separate pretraining split
     * {@code data.subset} thins that split, so it is checked against it.
     *
     * @throws IllegalArgumentException naming the key, the value and the split's size
     */
    static void checkSubsets(RunConfig.Data d, int trainSize, int pretrainSize, int testSize) {
        int limit = d.separatePretrainSplit() ? pretrainSize : trainSize;
        String split = d.separatePretrainSplit() ? d.pretrainSplit() : "train";
        if (d.subset() > limit) {
            throw new IllegalArgumentException("data.subset = " + d.subset() + " exceeds the " + limit + " images of "
                    + d.dataset() + " " + split + " (use 0 for all of them)");
        }
        if (d.evalSubset() > trainSize) {
            throw new IllegalArgumentException("data.evalSubset = " + d.evalSubset() + " exceeds the " + trainSize
                    + " images of " + d.dataset() + " train (use 0 for all of them)");
        }
        if (d.testSubset() > testSize) {
            throw new IllegalArgumentException("data.testSubset = " + d.testSubset() + " exceeds the " + testSize
                    + " images of " + d.dataset() + " test (use 0 for all of them)");
        }
    }

    /**
     * Loads the pretraining images ({@code data.subset}), the evaluation's labelled bank ({@code data.evalSubset},
     * default the whole training split) and test images ({@code data.testSubset}, default the whole test split).
     */
    public static Data loadData(RunConfig cfg, String dataRootOverride, boolean quiet) {
        RunConfig.Data d = cfg.data();
        DataRoot root = DataRoot.resolve(dataRootOverride != null ? dataRootOverride : d.root().isEmpty() ? null : d.root());
        LoadOptions opt = new LoadOptions(d.download(), quiet, 0, Math.max(1, Runtime.getRuntime().availableProcessors()),
                null, true);
        ImageDataset labelled = Datasets.load(d.dataset(), "train", root, opt);
        ImageDataset test = Datasets.load(d.dataset(), "test", root, opt);
        ImageDataset pretrainSplit = d.separatePretrainSplit() ? Datasets.load(d.dataset(), d.pretrainSplit(), root, opt) : labelled;
        checkSubsets(d, labelled.size(), pretrainSplit.size(), test.size());
        ImageDataset train = d.evalSubset() > 0 ? labelled.balanced(d.evalSubset()) : labelled;
        ImageDataset pretrain = pretrainSplit;
        if (d.subset() > 0 && d.subset() < pretrain.size()) {
            pretrain = d.separatePretrainSplit() ? evenlySpaced(pretrain, d.subset()) : pretrain.balanced(d.subset());
        }
        if (d.testSubset() > 0) {
            test = test.balanced(d.testSubset());
        }
        if (pretrain.channels() != 3) {
            throw new IllegalArgumentException("data set " + d.dataset() + " has " + pretrain.channels()
                    + " channel(s); the augmentation presets need RGB images (use cifar10, cifar100, stl10 or an RGB imagefolder)");
        }
        if (pretrain.height() != train.height() || pretrain.width() != train.width() || pretrain.channels() != train.channels()) {
            throw new IllegalArgumentException("data.pretrainSplit " + d.pretrainSplit() + " of " + d.dataset() + " holds "
                    + pretrain.height() + "x" + pretrain.width() + "x" + pretrain.channels() + " images, its train split "
                    + train.height() + "x" + train.width() + "x" + train.channels());
        }
        Presets.Target target = Math.max(train.height(), train.width()) <= 64 ? Presets.Target.CIFAR : Presets.Target.IMAGENET;
        return new Data(pretrain, train, test, labelled, target, target.normalization());
    }

    /** @return {@code n} of the images of {@code ds}, evenly spaced (index {@code floor(i * N / n)}), so every part of a
     *          concatenated split (STL-10's train then unlabeled) is represented in proportion */
    static ImageDataset evenlySpaced(ImageDataset ds, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = (int) ((long) i * ds.size() / n);
        }
        return ds.subset(idx, "-every" + n);
    }

    /**
     * @param cfg     resolved, validated config
     * @param runDir  run folder (created; resumed when it holds a checkpoint of the same config)
     * @param repo    a directory inside the harness's git checkout, for provenance
     */
    public static Outcome run(RunConfig cfg, Path runDir, Data data, Path repo, PrintStream console) {
        Backend.init();
        SslMethod method = MethodProvider.forConfig(cfg);
        BackboneSpec spec = BackboneSpec.parse(cfg.backbone());
        List<ViewPipeline> views = AugmentationStudy.apply(cfg.aug(), method.views(data.target()), data.target());
        OnlineNetwork.Built net = OnlineNetwork.build(OnlineNetwork.EncoderFactory.of(spec, method.zeroInitResidual()), method, data.pretrain().channels(),
                data.target().size(), cfg.seed(), DataType.FLOAT);
        Trainer.prepareRunFolder(runDir, RunIdentity.hash(cfg)); // check first (refuses another config's folder), write after
        RunSummary stored = RunSummary.readIfPresent(runDir);
        if (stored != null && !stored.provenance().configHash().equals(RunIdentity.hash(cfg))) {
            throw new IllegalStateException("run folder " + runDir + " holds a run with config hash "
                    + stored.provenance().configHash() + ", not " + RunIdentity.hash(cfg)
                    + ": use another --out or the same config (nothing in it was changed)");
        }
        boolean finished = stored != null && stored.result().completed();
        if (finished && Files.isRegularFile(runDir.resolve(MODEL))) {
            try {
                ComputationGraph saved = loadModel(runDir);
                console.println("run folder " + runDir + " is finished (" + stored.result().steps()
                        + " steps): keeping its summary.json and model.zip");
                return new Outcome(runDir, cfg, method, saved, net.featuresVertex(), net.featureDim(), stored.result(),
                        stored.provenance(), data);
            } catch (IOException e) {
                console.println(e.getMessage() + ": rewriting it from the run's last checkpoint");
            }
        }
        Provenance prov = Provenances.create(RunIdentity.hash(cfg), cfg.seed(), data.pretrain().sha256(), Backend.describe(), repo);
        if (!finished) {
            try {
                AtomicFiles.writeString(runDir.resolve("config.yaml"), ConfigTree.toYaml(RunIdentity.tree(cfg)));
                AtomicFiles.writeString(runDir.resolve("provenance.json"),
                        new GsonBuilder().setPrettyPrinting().create().toJson(prov));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write run folder " + runDir + ": " + e, e);
            }
        }
        Trainer.EpochMonitor monitor = (epoch, online, vertex) -> Map.of("knnTop1",
                knnMonitor(online, vertex, data, cfg.engine().knnMonitorTrain(), cfg.engine().knnMonitorTest()));
        Trainer.Result result;
        try (MultiViewLoader loader = new MultiViewLoader(data.pretrain(), views, cfg.batchSize(), cfg.seed(),
                cfg.data().workers(), 4)) {
            Trainer trainer = new Trainer(cfg, method, net, loader, runDir, data.train().numClasses(), monitor, console);
            result = trainer.run();
        }
        if (finished) { // only model.zip was missing or damaged: the finished run's summary stands
            result = stored.result();
            prov = stored.provenance();
        }
        try {
            if (result.completed()) {
                AtomicFiles.write(runDir.resolve(MODEL), out -> ModelSerializer.writeModel(net.graph(), out, false));
            }
            if (!finished) {
                new RunSummary(method.id(), result, net.featureDim(), net.featuresVertex(), prov).write(runDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + runDir + ": " + e, e);
        }
        return new Outcome(runDir, cfg, method, net.graph(), net.featuresVertex(), net.featureDim(), result, prov, data);
    }

    /** The online network a finished run saved ({@code model.zip}), or an error naming the file and its fault. */
    public static ComputationGraph loadModel(Path runDir) throws IOException {
        Path file = runDir.resolve(MODEL);
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the model " + file + " (" + e.getMessage()
                    + "): the file is damaged or incomplete; rerun the same pretrain command to rewrite it", e);
        }
    }

    /** kNN top-1 of the online encoder's features: memory bank = first nTrain train images, queries = first nTest test images. */
    public static double knnMonitor(ComputationGraph online, String vertex, Data data, int nTrain, int nTest) {
        ImageDataset tr = nTrain > 0 ? data.train().balanced(nTrain) : data.train();
        ImageDataset te = nTest > 0 ? data.test().balanced(nTest) : data.test();
        INDArray ftr = FeatureExtractor.extract(online, vertex, tr, data.norm().mean(), data.norm().std(), 256);
        INDArray fte = FeatureExtractor.extract(online, vertex, te, data.norm().mean(), data.norm().std(), 256);
        return Knn.evaluate(ftr, tr.labels(), fte, te.labels(), tr.numClasses()).top1();
    }
}
