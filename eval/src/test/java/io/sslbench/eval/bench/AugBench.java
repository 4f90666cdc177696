package io.sslbench.eval.bench;

import io.sslbench.byol.ByolViews;
import io.sslbench.core.aug.FloatImage;
import io.sslbench.core.aug.MultiViewLoader;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewBatch;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.aug.ViewSeeds;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.simclr.SimClrViews;
import io.sslbench.swav.SwavViews;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Augmentation throughput.
 *
 * <ul>
 *   <li>{@code perImage}: one image through all views of a preset on one thread; ops/s = images/s per core.</li>
 *   <li>{@code loaderBatch}: {@link MultiViewLoader} end to end (workers + INDArray creation) with
 *       {@code threads} workers; ops/s = images/s for the whole loader.</li>
 * </ul>
 *
 * <p>Run: {@code bench/jmh.sh eval AugBench -f 1 -wi 2 -i 3}. Source pixels
 * are seeded random bytes: the ops' cost does not depend on content (no data-dependent early exits
 * beyond the hue branches).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AugBench {

    /** Presets by name: views and the source image side. */
    static List<ViewPipeline> views(String preset) {
        return switch (preset) {
            case "simclr-cifar" -> SimClrViews.of(Presets.Target.CIFAR);
            case "swav-cifar" -> SwavViews.of(Presets.Target.CIFAR, 6);
            case "byol-cifar" -> ByolViews.of(Presets.Target.CIFAR);
            case "simclr-imagenet" -> SimClrViews.of(Presets.Target.IMAGENET);
            default -> throw new IllegalArgumentException("unknown preset " + preset);
        };
    }

    static ImageDataset dataset(String preset, int n) {
        int side = preset.endsWith("imagenet") ? 256 : 32;
        byte[] px = new byte[n * side * side * 3];
        new Random(1).nextBytes(px);
        int[] unlabelled = new int[n];
        Arrays.fill(unlabelled, -1);
        return new ImageDataset("bench-" + side, side, side, 3, px, unlabelled, List.of(), "bench");
    }

    /** Single-thread per-image state. */
    @State(Scope.Thread)
    public static class PerImage {
        @Param({"simclr-cifar", "swav-cifar"})
        public String preset;

        ImageDataset ds;
        List<ViewPipeline> views;
        float[][] out;
        int next;

        @Setup(Level.Trial)
        public void setup() {
            ds = dataset(preset, 256);
            views = views(preset);
            out = new float[views.size()][];
            for (int v = 0; v < views.size(); v++) {
                out[v] = new float[views.get(v).outputLength(3)];
            }
        }
    }

    /** All views of one image, written to preallocated CHW buffers. */
    @Benchmark
    public float perImage(PerImage s) {
        int i = s.next++ % s.ds.size();
        FloatImage src = FloatImage.fromDataset(s.ds, i);
        float acc = 0;
        for (int v = 0; v < s.views.size(); v++) {
            s.views.get(v).apply(src, ViewSeeds.forView(1L, s.next / s.ds.size(), i, v), s.out[v], 0);
            acc += s.out[v][v];
        }
        return acc;
    }

    /** Loader state: one loader for the trial, epochs chained. */
    @State(Scope.Benchmark)
    public static class Loader {
        @Param({"simclr-cifar"})
        public String preset;
        @Param({"2"})
        public int threads;

        MultiViewLoader loader;
        Iterator<ViewBatch> it;
        int epoch;

        @Setup(Level.Trial)
        public void setup() {
            loader = new MultiViewLoader(dataset(preset, 2048), views(preset), 256, 1L, threads, 2 * threads);
            it = loader.epoch(epoch, 0);
        }

        @TearDown(Level.Trial)
        public void close() {
            loader.close();
        }
    }

    /** One 256-image batch through the prefetching loader. */
    @Benchmark
    @OperationsPerInvocation(256)
    public ViewBatch loaderBatch(Loader s) {
        if (!s.it.hasNext()) {
            s.it = s.loader.epoch(++s.epoch, 0);
        }
        return s.it.next();
    }
}
