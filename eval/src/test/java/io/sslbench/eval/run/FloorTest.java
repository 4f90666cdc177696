package io.sslbench.eval.run;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.SharedDataAccess;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.eval.protocol.FeatureExtractor;
import io.sslbench.eval.protocol.Knn;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The random-init floors on real CIFAR-10 records: shared across methods at one seed, correct, and cached. */
class FloorTest {
    private static RunConfig config(String method, long seed) {
        return RunConfig.from(ConfigTree.override(ConfigTree.load(method + "-cifar10"),
                List.of("backbone=small-cifar", "seed=" + seed)));
    }

    @Test
    void floorsDependOnTheEncoderInitOnlyAndMatchADirectComputation() {
        ImageDataset train = SharedDataAccess.cifarRecords(0, 400, "floor-train");
        ImageDataset test = SharedDataAccess.cifarRecords(400, 600, "floor-test");
        Pretrain.Data data = new Pretrain.Data(train, test, train, Presets.Target.CIFAR,
                Presets.Target.CIFAR.normalization());
        RunConfig simclr = config("simclr", 0), simsiam = config("simsiam", 0), simclr1 = config("simclr", 1);
        SslMethod ms = MethodProvider.forConfig(simclr);
        OnlineNetwork.Built built = OnlineNetwork.build(OnlineNetwork.EncoderFactory.of(BackboneSpec.parse("small-cifar"),
                ms.zeroInitResidual()), ms, 3, 32, 0, DataType.FLOAT);

        int misses = Evaluate.FLOOR_MISSES.get();
        Map<String, Double> knn = Evaluate.floor("random-init-knn", simclr, ms, built.featuresVertex(), data, Evaluate.LinearBudget.OFFICIAL);
        assertEquals(misses + 1, Evaluate.FLOOR_MISSES.get());

        // the same number as extracting the untrained network's features and running kNN directly
        float[] mean = data.norm().mean(), std = data.norm().std();
        INDArray a = FeatureExtractor.extract(built.graph(), built.featuresVertex(), train, mean, std, 256);
        INDArray b = FeatureExtractor.extract(built.graph(), built.featuresVertex(), test, mean, std, 256);
        // exact: Evaluate.floor rebuilds the same seed-0 encoder (bit-identical init), extracts with the same batch
        // size 256 and runs the same Knn.evaluate: the same shapes, kernels and threads, not merely close numbers
        assertEquals(Knn.evaluate(a, train.labels(), b, test.labels(), 10).top1(), knn.get("top1"), 0.0);

        // SimSiam's heads differ but its encoder at seed 0 is SimCLR's (both zero-initialise every residual block's
        // last BN, as their official code): the cached floor is reused
        SslMethod mb = MethodProvider.forConfig(simsiam);
        assertEquals(knn, Evaluate.floor("random-init-knn", simsiam, mb, built.featuresVertex(), data, Evaluate.LinearBudget.OFFICIAL));
        assertEquals(misses + 1, Evaluate.FLOOR_MISSES.get(), "same encoder weights: no recomputation");

        // the L-BFGS linear floor is computed once (its features are re-extracted), then cached too
        Map<String, Double> lin = Evaluate.floor("random-init-linear-lbfgs", simsiam, mb, built.featuresVertex(), data, Evaluate.LinearBudget.OFFICIAL);
        assertEquals(misses + 2, Evaluate.FLOOR_MISSES.get());
        assertEquals(lin, Evaluate.floor("random-init-linear-lbfgs", simclr, ms, built.featuresVertex(), data, Evaluate.LinearBudget.OFFICIAL));
        assertEquals(misses + 2, Evaluate.FLOOR_MISSES.get());
        assertTrue(lin.get("top1") > 0.15 && lin.get("top1") <= lin.get("top5"), "random conv features beat chance: " + lin);

        // the official linear protocol's floor (here 2 epochs on unaugmented features) is cached per method, whose
        // settings differ: SimSiam's LARS and SimCLR's Nesterov SGD are two computations on the same encoder
        Evaluate.LinearBudget quick = new Evaluate.LinearBudget(2, false);
        Map<String, Double> sgd = Evaluate.floor("random-init-linear", simclr, ms, built.featuresVertex(), data, quick);
        assertEquals(misses + 3, Evaluate.FLOOR_MISSES.get());
        assertEquals(sgd, Evaluate.floor("random-init-linear", simclr, ms, built.featuresVertex(), data, quick));
        assertEquals(misses + 3, Evaluate.FLOOR_MISSES.get());
        Evaluate.floor("random-init-linear", simsiam, mb, built.featuresVertex(), data, quick);
        assertEquals(misses + 4, Evaluate.FLOOR_MISSES.get());
        assertTrue(sgd.get("top1") <= sgd.get("top5") && sgd.get("linearEpochs") == 2 && sgd.get("linearAugmented") == 0, sgd.toString());
        misses += 2;

        // another seed is another encoder: computed afresh
        Evaluate.floor("random-init-knn", simclr1, MethodProvider.forConfig(simclr1), built.featuresVertex(), data, Evaluate.LinearBudget.OFFICIAL);
        assertEquals(misses + 3, Evaluate.FLOOR_MISSES.get());
        // so is MoCo's at seed 0: its official code keeps every BN gamma at 1
        RunConfig moco = config("moco-v2", 0);
        Evaluate.floor("random-init-knn", moco, MethodProvider.forConfig(moco), built.featuresVertex(), data, Evaluate.LinearBudget.OFFICIAL);
        assertEquals(misses + 4, Evaluate.FLOOR_MISSES.get());
    }
}
