package io.sslbench.eval.run;

import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.data.Stl10BinaryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Pretraining on a split other than the labelled one (STL-10's train+unlabeled, as the STL-10 papers do) while
 * evaluation keeps the labelled train split, on small files in STL-10's official binary layout.
 */
class PretrainSplitTest {
    private static final int S = 96;

    /** n images in STL's column-major layout, every pixel of image i equal to (seed + i) mod 251 plus a gradient. */
    private static void images(Path file, int n, int seed) throws IOException {
        byte[] b = new byte[n * S * S * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < S * S * 3; j++) {
                b[i * S * S * 3 + j] = (byte) ((seed + i * 37 + j % 97) % 251);
            }
        }
        Files.write(file, b);
    }

    private static Path stl(Path root, int train, int test, int unlabeled) throws IOException {
        Path d = Files.createDirectories(root.resolve(Stl10BinaryReader.DIR));
        images(d.resolve("train_X.bin"), train, 0);
        images(d.resolve("test_X.bin"), test, 1000);
        images(d.resolve("unlabeled_X.bin"), unlabeled, 5000);
        byte[] ytr = new byte[train], yte = new byte[test];
        for (int i = 0; i < train; i++) {
            ytr[i] = (byte) (1 + i % 10);
        }
        for (int i = 0; i < test; i++) {
            yte[i] = (byte) (1 + i % 10);
        }
        Files.write(d.resolve("train_y.bin"), ytr);
        Files.write(d.resolve("test_y.bin"), yte);
        return root;
    }

    private static RunConfig cfg(String... sets) {
        List<String> all = new ArrayList<>(List.of("data.dataset=stl10", "data.download=false", "backbone=small-cifar",
                "epochs=1", "batchSize=10", "engine.knnMonitorEvery=1", "engine.knnMonitorTrain=20",
                "engine.knnMonitorTest=10", "engine.quiet=true", "engine.checkpointEverySteps=0",
                "method.hiddenDim=32", "method.outDim=16"));
        all.addAll(Arrays.asList(sets));
        return RunConfig.from(ConfigTree.override(ConfigTree.load("simclr-cifar10"), all));
    }

    @Test
    void trainPlusUnlabeledIsPretrainedOnWhileEvaluationKeepsTheLabelledSplit(@TempDir Path tmp) throws IOException {
        Path root = stl(tmp.resolve("data"), 20, 10, 30);
        Pretrain.Data all = Pretrain.loadData(cfg("data.pretrainSplit=train+unlabeled"), root.toString(), true);
        assertEquals(50, all.pretrain().size());
        assertEquals(20, all.train().size());
        assertEquals(30, Arrays.stream(all.pretrain().labels()).filter(l -> l == -1).count());
        assertTrue(Arrays.stream(all.train().labels()).allMatch(l -> l >= 0), "evaluation images are labelled");

        // data.subset thins the pretraining split evenly (both parts represented); evaluation keeps the whole labelled split
        Pretrain.Data ten = Pretrain.loadData(cfg("data.pretrainSplit=train+unlabeled", "data.subset=10"), root.toString(), true);
        assertEquals(10, ten.pretrain().size());
        assertEquals(4, Arrays.stream(ten.pretrain().labels()).filter(l -> l >= 0).count(), "indices 0,5,10,15 of 20 labelled");
        assertEquals(all.pretrain().image(45).length, ten.pretrain().image(9).length);
        assertArrayEquals(all.pretrain().image(45), ten.pretrain().image(9));
        assertEquals(20, ten.train().size());
        // data.evalSubset balances the labelled split evaluation reads, whatever was pretrained on
        Pretrain.Data bank = Pretrain.loadData(cfg("data.subset=10", "data.evalSubset=10"), root.toString(), true);
        assertEquals(10, bank.train().size());
        assertEquals(10, bank.pretrain().size());
        Pretrain.Data wide = Pretrain.loadData(cfg("data.subset=10"), root.toString(), true);
        assertEquals(10, wide.pretrain().size());
        assertEquals(20, wide.train().size(), "the kNN bank is the whole labelled split by default");

        // the default pretrains on the labelled split itself
        Pretrain.Data plain = Pretrain.loadData(cfg(), root.toString(), true);
        assertSame(plain.train(), plain.pretrain());

        // a short run reads the pretraining split (provenance names its hash) and finishes, the probe skipping -1 labels
        Pretrain.Outcome o = Pretrain.run(cfg("data.pretrainSplit=train+unlabeled", "engine.stopAfterSteps=2"),
                tmp.resolve("run"), all, tmp, new PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(2, o.result().steps());
        assertEquals(all.pretrain().sha256(), o.provenance().dataHash());
        assertNotEquals(all.train().sha256(), o.provenance().dataHash());
    }

    @Test
    void theSplitIsPartOfTheIdentityAndTheTestSplitIsRefused() {
        assertEquals(RunIdentity.hash(cfg()), RunIdentity.hash(cfg("data.pretrainSplit=train")), "the default written out");
        assertNotEquals(RunIdentity.hash(cfg()), RunIdentity.hash(cfg("data.pretrainSplit=train+unlabeled")));
        ConfigException e = assertThrows(ConfigException.class, () -> cfg("data.pretrainSplit=test"));
        assertTrue(e.getMessage().contains("data.pretrainSplit"), e.getMessage());
    }
}
