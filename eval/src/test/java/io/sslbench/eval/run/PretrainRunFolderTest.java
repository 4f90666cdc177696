package io.sslbench.eval.run;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** A run folder's finished results survive reruns and misuse (issue 16, items 1, 3 and 6). */
class PretrainRunFolderTest {
    static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    /** n random 32x32 RGB images of 4 classes. */
    static ImageDataset images(String name, int n, long seed) {
        byte[] px = new byte[n * 32 * 32 * 3];
        new Random(seed).nextBytes(px);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> i % 4);
        return new ImageDataset(name, 32, 32, 3, px, labels, List.of("a", "b", "c", "d"), "sha-" + name + seed);
    }

    static Pretrain.Data data() {
        ImageDataset train = images("train", 32, 1);
        return new Pretrain.Data(train, images("test", 8, 2), train, Presets.Target.CIFAR,
                Presets.Target.CIFAR.normalization());
    }

    static RunConfig cfg(String... sets) {
        List<String> all = new ArrayList<>(List.of("backbone=small-cifar", "epochs=1", "batchSize=8",
                "engine.knnMonitorEvery=0", "engine.quiet=true", "engine.checkpointEverySteps=0", "method.hiddenDim=32",
                "method.outDim=16", "data.download=false"));
        all.addAll(Arrays.asList(sets));
        return RunConfig.from(ConfigTree.override(ConfigTree.load("simclr-cifar10"), all));
    }

    @Test
    void rerunningAFinishedRunKeepsItsSummaryAndModel(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        Pretrain.Data data = data();
        Pretrain.Outcome first = Pretrain.run(cfg(), run, data, tmp, QUIET);
        assertTrue(first.result().completed());
        assertEquals(4, first.result().steps());
        byte[] summary = Files.readAllBytes(run.resolve("summary.json"));
        byte[] model = Files.readAllBytes(run.resolve("model.zip"));
        byte[] provenance = Files.readAllBytes(run.resolve("provenance.json"));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Pretrain.Outcome again = Pretrain.run(cfg(), run, data, tmp, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(first.result(), again.result(), "the stored result, timings included");
        assertArrayEquals(summary, Files.readAllBytes(run.resolve("summary.json")));
        assertArrayEquals(model, Files.readAllBytes(run.resolve("model.zip")));
        assertArrayEquals(provenance, Files.readAllBytes(run.resolve("provenance.json")));
        assertEquals(first.online().params(), again.online().params(), "the finished weights");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("finished"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRunKilledAfterItsLastCheckpointWritesItsTrueSummary(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        Pretrain.Data data = data();
        Pretrain.Outcome first = Pretrain.run(cfg(), run, data, tmp, QUIET);
        // a kill while model.zip was being written: the temporary file is left, summary.json never written
        Files.delete(run.resolve("summary.json"));
        Files.move(run.resolve("model.zip"), run.resolve("model.zip.4711.tmp"));
        Pretrain.Outcome again = Pretrain.run(cfg(), run, data, tmp, QUIET);
        assertEquals(first.result().steps(), again.result().steps());
        assertEquals(first.result().finalLoss(), again.result().finalLoss());
        assertEquals(first.result().collapseStd(), again.result().collapseStd());
        assertEquals(first.result().embeddingDim(), again.result().embeddingDim());
        assertTrue(Files.size(run.resolve("model.zip")) > 0);
        assertFalse(Files.exists(run.resolve("model.zip.4711.tmp")), "the orphan of the killed write is removed");
        assertEquals(first.online().params(), Pretrain.loadModel(run).params());
    }

    @Test
    void aRefusedResumeChangesNothingInTheRunFolder(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        Pretrain.Data data = data();
        Pretrain.run(cfg(), run, data, tmp, QUIET);
        byte[] config = Files.readAllBytes(run.resolve("config.yaml"));
        byte[] provenance = Files.readAllBytes(run.resolve("provenance.json"));
        byte[] summary = Files.readAllBytes(run.resolve("summary.json"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Pretrain.run(cfg("epochs=2"), run, data, tmp, QUIET));
        assertTrue(e.getMessage().contains("config hash"), e.getMessage());
        assertArrayEquals(config, Files.readAllBytes(run.resolve("config.yaml")));
        assertArrayEquals(provenance, Files.readAllBytes(run.resolve("provenance.json")));
        assertArrayEquals(summary, Files.readAllBytes(run.resolve("summary.json")));
    }

    @Test
    void aTruncatedModelIsReportedWithItsFileName(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        Pretrain.run(cfg(), run, data(), tmp, QUIET);
        Path model = run.resolve("model.zip");
        byte[] b = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(b, b.length / 2));
        Exception e = assertThrows(Exception.class, () -> Pretrain.loadModel(run));
        assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
    }
}
