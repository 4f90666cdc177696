package io.sslbench.byol;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.Solarize;
import io.sslbench.core.aug.ViewPipeline;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sslbench.core.testing.Views.applied;
import static io.sslbench.core.testing.Views.assertJitter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** BYOL's asymmetric views (paper Table 6). */
class ByolViewsTest {
    @Test
    void byolIsAsymmetric() {
        List<ViewPipeline> in = ByolViews.of(Presets.Target.IMAGENET);
        assertNotEquals(in.get(0), in.get(1));
        for (ViewPipeline v : in) {
            assertEquals(RandomResizedCrop.of(224, 0.08, 1.0), v.ops().get(0));
            assertJitter(applied(v, ColorJitter.class).op(), 0.4, 0.4, 0.2, 0.1);
            assertEquals(0.8, applied(v, ColorJitter.class).p());
        }
        assertEquals(1.0, applied(in.get(0), GaussianBlur.class).p());
        assertEquals(0.1, applied(in.get(1), GaussianBlur.class).p());
        assertEquals(null, applied(in.get(0), Solarize.class), "solarisation p = 0 on view 1");
        assertEquals(0.2, applied(in.get(1), Solarize.class).p());
        assertEquals(Solarize.standard(), applied(in.get(1), Solarize.class).op());

        List<ViewPipeline> cifar = ByolViews.of(Presets.Target.CIFAR);
        assertEquals(null, applied(cifar.get(0), GaussianBlur.class));
        assertEquals(null, applied(cifar.get(1), GaussianBlur.class));
        assertEquals(0.2, applied(cifar.get(1), Solarize.class).p());
    }
}
