package io.sslbench.core.testing;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.FloatImage;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.Solarize;
import io.sslbench.core.aug.ViewPipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helpers for view pipelines: reading ops out of a pipeline (each method module's views test), running every view
 * of a method on an image, and pipelines of the papers' shapes for core's own tests (the methods' real views live in
 * their modules, which core cannot see).
 */
public final class Views {
    private Views() {}

    /** @return the first op of {@code type} in {@code v}; fails the test if there is none */
    public static <T> T op(ViewPipeline v, Class<T> type) {
        return v.ops().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + " missing in " + v));
    }

    /** @return the RandomApply wrapping an op of {@code inner} type, or null */
    public static RandomApply<?> applied(ViewPipeline v, Class<?> inner) {
        return v.ops().stream().filter(o -> o instanceof RandomApply<?> ra && inner.isInstance(ra.op()))
                .map(o -> (RandomApply<?>) o).findFirst().orElse(null);
    }

    /** Asserts that {@code cj} is {@code ColorJitter.of(b, c, s, h)}. */
    public static void assertJitter(Object cj, double b, double c, double s, double h) {
        assertEquals(ColorJitter.of(b, c, s, h), cj);
    }

    /**
     * Runs every view on {@code src} and checks each output's size and finiteness, and that the source is unchanged.
     *
     * @param what the method, for messages
     */
    public static void assertRuns(List<ViewPipeline> views, FloatImage src, String what) {
        FloatImage before = src.copy();
        for (int v = 0; v < views.size(); v++) {
            ViewPipeline vp = views.get(v);
            vp.checkInput(src.height(), src.width(), 3);
            float[] out = vp.apply(src, new SplittableRandom(v));
            assertEquals(3 * vp.outputSize() * vp.outputSize(), out.length, what + " view " + v);
            for (float x : out) {
                assertTrue(Float.isFinite(x), what + " view " + v);
            }
        }
        assertEquals(before, src, "source image must not be modified by " + what);
    }

    /** @return an h x w x 3 image whose samples are k/255 for seeded random k */
    public static FloatImage randomImage(int h, int w, long seed) {
        byte[] b = new byte[h * w * 3];
        new java.util.Random(seed).nextBytes(b);
        return FloatImage.fromBytes(b, 0, h, w, 3);
    }

    /** Two identical views of SimCLR's shape: crop 0.08-1, flip, colour jitter p 0.8, grayscale 0.2, blur (ImageNet). */
    public static List<ViewPipeline> symmetric(Presets.Target t) {
        boolean cifar = t == Presets.Target.CIFAR;
        ViewPipeline v = Presets.view(t.size(), t.normalization(), RandomResizedCrop.of(t.size(), 0.08, 1.0),
                new RandomHorizontalFlip(0.5), new RandomApply<>(0.8, ColorJitter.simclr(cifar ? 0.5 : 1.0)),
                new RandomGrayscale(0.2), cifar ? null : new RandomApply<>(0.5, GaussianBlur.forImageSide(t.size())));
        return List.of(v, v);
    }

    /** Two different views of BYOL's shape: the second with solarisation p 0.2. */
    public static List<ViewPipeline> asymmetric(Presets.Target t) {
        List<ViewPipeline> out = new ArrayList<>();
        for (double solarize : new double[]{0, 0.2}) {
            out.add(Presets.view(t.size(), t.normalization(), RandomResizedCrop.of(t.size(), 0.08, 1.0),
                    new RandomHorizontalFlip(0.5), new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.2, 0.1)),
                    new RandomGrayscale(0.2), solarize > 0 ? new RandomApply<>(solarize, Solarize.standard()) : null));
        }
        return out;
    }

    /** SwAV's multi-crop shape: two full-size crops, then {@code small} crops of half the side. */
    public static List<ViewPipeline> multiCrop(Presets.Target t, int small) {
        List<ViewPipeline> out = new ArrayList<>();
        for (int i = 0; i < 2 + small; i++) {
            int size = i < 2 ? t.size() : t.size() / 2;
            out.add(Presets.view(size, t.normalization(), RandomResizedCrop.of(size, i < 2 ? 0.14 : 0.05, i < 2 ? 1 : 0.14),
                    new RandomHorizontalFlip(0.5), new RandomApply<>(0.8, ColorJitter.simclr(0.5)), new RandomGrayscale(0.2)));
        }
        return out;
    }
}
