package io.sslbench.core.aug;

import io.sslbench.core.testing.Views;
import io.sslbench.core.data.ImageDataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiViewLoaderTest {
    private static final ImageDataset DS = TestImages.randomDataset(45, 32, 32, 99);
    /** two 32px globals + two 16px small crops: views of different sizes in one batch */
    private static final List<ViewPipeline> VIEWS = Views.multiCrop(Presets.Target.CIFAR, 2);

    private static List<float[][]> drain(Iterator<ViewBatch> it, List<int[]> indices) {
        List<float[][]> out = new ArrayList<>();
        while (it.hasNext()) {
            ViewBatch b = it.next();
            float[][] v = new float[b.views().length][];
            for (int k = 0; k < v.length; k++) {
                v[k] = b.view(k).data().asFloat();
            }
            out.add(v);
            if (indices != null) {
                indices.add(b.indices());
            }
        }
        return out;
    }

    /**
     * Exact comparisons in this class are deliberate: a view is computed by one worker from its own seed with pure
     * Java float arithmetic (no BLAS, no reductions split across threads), so thread count, storage chunking and
     * resuming cannot change a single bit.
     */
    @Test
    void batchesAreBitIdenticalWithOneOrThreeThreads() {
        List<float[][]> one, three;
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 1, 1)) {
            one = drain(l.epoch(2, 0), null);
        }
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 3, 4)) {
            three = drain(l.epoch(2, 0), null);
        }
        assertEquals(5, one.size());
        assertEquals(one.size(), three.size());
        for (int b = 0; b < one.size(); b++) {
            for (int v = 0; v < VIEWS.size(); v++) {
                assertArrayEquals(one.get(b)[v], three.get(b)[v], "batch " + b + " view " + v);
            }
        }
    }

    @Test
    void chunkedStorageGivesTheSameBatches() {
        ImageDataset chunked = DS.rechunk(4);
        assertEquals(12, chunked.numChunks(), "45 images, 4 per chunk");
        List<float[][]> a, b;
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 2, 2)) {
            a = drain(l.epoch(1, 0), null);
        }
        try (MultiViewLoader l = new MultiViewLoader(chunked, VIEWS, 8, 5L, 2, 2)) {
            b = drain(l.epoch(1, 0), null);
        }
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            for (int v = 0; v < VIEWS.size(); v++) {
                assertArrayEquals(a.get(i)[v], b.get(i)[v], "batch " + i + " view " + v);
            }
        }
    }

    @Test
    void shapesLabelsAndIndicesFollowThePermutation() {
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 2, 2)) {
            assertEquals(5, l.batchesPerEpoch(), "45 / 8 with dropLast");
            int[] order = l.order(1);
            Iterator<ViewBatch> it = l.epoch(1, 0);
            Set<Integer> seen = new HashSet<>();
            for (int b = 0; it.hasNext(); b++) {
                ViewBatch batch = it.next();
                assertArrayEquals(Arrays.copyOfRange(order, b * 8, b * 8 + 8), batch.indices());
                for (int r = 0; r < 8; r++) {
                    assertEquals(DS.labels()[batch.indices()[r]], batch.labels()[r]);
                    assertTrue(seen.add(batch.indices()[r]), "image visited twice");
                }
                assertArrayEquals(new long[]{8, 3, 32, 32}, batch.view(0).shape());
                assertArrayEquals(new long[]{8, 3, 16, 16}, batch.view(3).shape());
            }
            assertEquals(40, seen.size());
        }
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 2, 2, false)) {
            assertEquals(6, l.batchesPerEpoch());
            List<int[]> idx = new ArrayList<>();
            drain(l.epoch(0, 0), idx);
            assertEquals(5, idx.get(5).length, "last partial batch kept without dropLast");
        }
    }

    @Test
    void rowsAreTheViewPipelinesAppliedWithTheirViewSeeds() {
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 11L, 2, 2)) {
            ViewBatch b = l.epoch(3, 2).next();
            for (int r : new int[]{0, 5}) {
                int idx = b.indices()[r];
                for (int v = 0; v < VIEWS.size(); v++) {
                    float[] expected = VIEWS.get(v).apply(FloatImage.fromDataset(DS, idx),
                            ViewSeeds.forView(11L, 3, idx, v));
                    float[] row = b.view(v).slice(r).dup().data().asFloat();
                    assertArrayEquals(expected, row, "row " + r + " view " + v);
                }
            }
            // the synchronous form gives the same batch
            ViewBatch sync = l.batch(3, 2);
            assertArrayEquals(b.view(1).data().asFloat(), sync.view(1).data().asFloat());
        }
    }

    @Test
    void epochsDifferAndStartBatchResumesExactly() {
        try (MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 2, 3)) {
            List<int[]> idx0 = new ArrayList<>(), idx1 = new ArrayList<>(), idxResumed = new ArrayList<>();
            List<float[][]> e0 = drain(l.epoch(0, 0), idx0);
            List<float[][]> e1 = drain(l.epoch(1, 0), idx1);
            assertFalse(Arrays.equals(idx0.get(0), idx1.get(0)), "epochs use different orders");
            assertFalse(Arrays.equals(e0.get(0)[0], e1.get(0)[0]));
            List<float[][]> resumed = drain(l.epoch(0, 3), idxResumed);
            assertEquals(2, resumed.size());
            for (int b = 0; b < 2; b++) {
                assertArrayEquals(idx0.get(3 + b), idxResumed.get(b));
                for (int v = 0; v < VIEWS.size(); v++) {
                    assertArrayEquals(e0.get(3 + b)[v], resumed.get(b)[v]);
                }
            }
            assertFalse(l.epoch(0, 5).hasNext());
            assertThrows(IllegalArgumentException.class, () -> l.epoch(0, 6));
            // the same epoch again is the same
            assertArrayEquals(e0.get(1)[2], drain(l.epoch(0, 0), null).get(1)[2]);
        }
    }

    /** throws on images whose first sample is exactly 1.0 (pixel 255) */
    private record Boom() implements AugOp<Void> {
        @Override
        public Void sample(SplittableRandom rng, int height, int width) {
            return null;
        }

        @Override
        public FloatImage apply(FloatImage img, Void p) {
            if (img.get(0, 0, 0) == 1f) {
                throw new IllegalStateException("boom");
            }
            return img;
        }
    }

    @Test
    void workerFailuresReachTheConsumerWithTheImageIndex() {
        byte[] px = DS.pixels().clone();
        for (int i = 0; i < DS.size(); i++) {
            px[i * DS.imageBytes()] = (byte) (i == 17 ? 255 : 0);
        }
        ImageDataset marked = new ImageDataset("marked", 32, 32, 3, px, DS.labels(), DS.classNames(), "x");
        ViewPipeline ok = Presets.eval(Presets.Target.CIFAR);
        ViewPipeline boom = new ViewPipeline(List.of(new Boom()), 32, Normalization.CIFAR10);
        try (MultiViewLoader l = new MultiViewLoader(marked, List.of(ok, boom), 5, 1L, 3, 2)) {
            Iterator<ViewBatch> it = l.epoch(0, 0);
            AugmentationException e = assertThrows(AugmentationException.class, () -> {
                while (it.hasNext()) {
                    it.next();
                }
            });
            assertEquals(17, e.imageIndex());
            assertEquals(1, e.view());
            assertTrue(e.getMessage().contains("image 17 of marked"), e.getMessage());
            assertEquals("boom", e.getCause().getMessage());
            assertFalse(it.hasNext(), "a failed epoch iterator is finished");
        }
    }

    @Test
    void closeStopsTheWorkersAndBadArgumentsAreRejected() {
        MultiViewLoader l = new MultiViewLoader(DS, VIEWS, 8, 5L, 2, 2);
        l.epoch(0, 0).next();
        l.close();
        assertTrue(l.isTerminated());
        assertThrows(IllegalStateException.class, () -> l.epoch(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new MultiViewLoader(DS, VIEWS, 46, 5L, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MultiViewLoader(DS, VIEWS, 8, 5L, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MultiViewLoader(DS, List.of(), 8, 5L, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultiViewLoader(DS, List.of(new ViewPipeline(List.of(new CenterCrop(24)), 32, Normalization.CIFAR10)),
                        8, 5L, 1, 1));
        assertTrue(e.getMessage().contains("view 0"), e.getMessage());
    }

    @Test
    void worksOnDecodedCifarJpegs() {
        ImageDataset jpgs = TestImages.cifarJpegs(3, 4);
        try (MultiViewLoader l = new MultiViewLoader(jpgs, Views.symmetric(Presets.Target.CIFAR), 4, 0L, 2, 2)) {
            List<int[]> idx = new ArrayList<>();
            List<float[][]> all = drain(l.epoch(0, 0), idx);
            assertEquals(3, all.size());
            // the two SimCLR views of the same image differ (independent draws)
            assertFalse(Arrays.equals(all.get(0)[0], all.get(0)[1]));
        }
    }
}
