package io.sslbench.simclr;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Normalization;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sslbench.core.testing.Views.applied;
import static io.sslbench.core.testing.Views.assertJitter;
import static io.sslbench.core.testing.Views.op;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SimCLR's views, field by field against the values quoted from the paper and official code. */
class SimClrViewsTest {
    @Test
    void simclr() {
        List<ViewPipeline> cifar = SimClrViews.of(Presets.Target.CIFAR);
        assertEquals(2, cifar.size());
        assertEquals(cifar.get(0), cifar.get(1));
        ViewPipeline v = cifar.get(0);
        assertEquals(new RandomResizedCrop(32, 0.08, 1.0, 0.75, 4.0 / 3), v.ops().get(0));
        assertEquals(new RandomHorizontalFlip(0.5), op(v, RandomHorizontalFlip.class));
        RandomApply<?> cj = applied(v, ColorJitter.class);
        assertEquals(0.8, cj.p());
        assertJitter(cj.op(), 0.4, 0.4, 0.4, 0.1); // strength 0.5
        assertEquals(new RandomGrayscale(0.2), op(v, RandomGrayscale.class));
        assertEquals(null, applied(v, GaussianBlur.class), "no blur on CIFAR");
        assertEquals(Normalization.CIFAR10, v.normalization());

        ViewPipeline in = SimClrViews.of(Presets.Target.IMAGENET).get(0);
        assertEquals(224, in.outputSize());
        assertJitter(applied(in, ColorJitter.class).op(), 0.8, 0.8, 0.8, 0.2);
        RandomApply<?> blur = applied(in, GaussianBlur.class);
        assertEquals(0.5, blur.p());
        assertEquals(new GaussianBlur(23, 0.1, 2.0), blur.op());
        assertEquals(Normalization.IMAGENET, in.normalization());
    }
}
