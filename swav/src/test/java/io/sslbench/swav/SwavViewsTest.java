package io.sslbench.swav;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sslbench.core.testing.Views.applied;
import static io.sslbench.core.testing.Views.assertJitter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SwAV's multi-crop views (official multicropdataset.py). */
class SwavViewsTest {
    @Test
    void swavMultiCrop() {
        List<ViewPipeline> in = SwavViews.of(Presets.Target.IMAGENET, 6);
        assertArrayEquals(new int[]{224, 224, 96, 96, 96, 96, 96, 96},
                in.stream().mapToInt(ViewPipeline::outputSize).toArray());
        assertEquals(RandomResizedCrop.of(224, 0.14, 1.0), in.get(0).ops().get(0));
        assertEquals(RandomResizedCrop.of(96, 0.05, 0.14), in.get(2).ops().get(0));
        assertEquals(new GaussianBlur(23, 0.1, 2.0), applied(in.get(5), GaussianBlur.class).op());
        assertJitter(applied(in.get(0), ColorJitter.class).op(), 0.8, 0.8, 0.8, 0.2);

        List<ViewPipeline> cifar = SwavViews.of(Presets.Target.CIFAR, 4);
        assertArrayEquals(new int[]{32, 32, 16, 16, 16, 16}, cifar.stream().mapToInt(ViewPipeline::outputSize).toArray());
        assertEquals(RandomResizedCrop.of(32, 0.14, 1.0), cifar.get(1).ops().get(0));
        assertEquals(RandomResizedCrop.of(16, 0.05, 0.14), cifar.get(3).ops().get(0));
        assertEquals(null, applied(cifar.get(0), GaussianBlur.class));
        assertEquals(18, SwavViews.of(Presets.Target.CIFAR, 2, 18).get(2).outputSize());
        assertEquals(2, SwavViews.of(Presets.Target.CIFAR, 0).size());
    }
}
