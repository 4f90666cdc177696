package io.sslbench.simsiam;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.Presets.Target;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;

import java.util.List;

/** SimSiam's training views, from core's shared ops. */
public final class SimSiamViews {
    private SimSiamViews() {}

    /**
     * SimSiam (Chen and He 2021; facebookresearch/simsiam {@code main_simsiam.py}): MoCo v2's
     * augmentation (the same ops and parameters, written here from the shared ops), crop scale (0.2, 1).
     *
     * @return the two views
     */
    public static List<ViewPipeline> of(Target t) {
        ViewPipeline v = view(t);
        return List.of(v, v);
    }

    private static ViewPipeline view(Target t) {
        return Presets.view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.2, 1.0),
                new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.4, 0.1)),
                new RandomGrayscale(0.2),
                t == Target.CIFAR ? null : new RandomApply<>(0.5, GaussianBlur.forImageSide(t.size())),
                new RandomHorizontalFlip(0.5));
    }
}
