package io.sslbench.moco;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.sslbench.core.testing.Views.applied;
import static io.sslbench.core.testing.Views.assertJitter;
import static io.sslbench.core.testing.Views.op;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** MoCo v1's and v2's views, field by field against the official main_moco.py. */
class MocoViewsTest {
    @ParameterizedTest
    @EnumSource(Presets.Target.class)
    void mocoV1(Presets.Target t) {
        ViewPipeline v = MocoViews.v1(t).get(0);
        assertEquals(RandomResizedCrop.of(t.size(), 0.2, 1.0), v.ops().get(0));
        assertEquals(new RandomGrayscale(0.2), v.ops().get(1));
        assertJitter(v.ops().get(2), 0.4, 0.4, 0.4, 0.4); // always applied, hue 0.4
        assertEquals(new RandomHorizontalFlip(0.5), v.ops().get(3));
        assertEquals(4, v.ops().size());
    }

    @ParameterizedTest
    @EnumSource(Presets.Target.class)
    void mocoV2(Presets.Target t) {
        ViewPipeline v = MocoViews.v2(t).get(0);
        assertEquals(RandomResizedCrop.of(t.size(), 0.2, 1.0), v.ops().get(0));
        RandomApply<?> cj = applied(v, ColorJitter.class);
        assertEquals(0.8, cj.p());
        assertJitter(cj.op(), 0.4, 0.4, 0.4, 0.1);
        assertEquals(new RandomGrayscale(0.2), op(v, RandomGrayscale.class));
        RandomApply<?> blur = applied(v, GaussianBlur.class);
        if (t == Presets.Target.IMAGENET) {
            assertEquals(0.5, blur.p());
        } else {
            assertEquals(null, blur);
        }
        assertEquals(new RandomHorizontalFlip(0.5), v.ops().get(v.ops().size() - 1));
    }
}
