package io.sslbench.byol;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.Presets.Target;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.Solarize;
import io.sslbench.core.aug.ViewPipeline;

import java.util.List;

/** BYOL's asymmetric training views, from core's shared ops. */
public final class ByolViews {
    private ByolViews() {}

    /**
     * BYOL (Grill et al. 2020, table 6; lightly {@code BYOLTransform}; solo-learn
     * {@code scripts/pretrain/cifar/augmentations/asymmetric.yaml}): RandomResizedCrop(S, (0.08, 1)),
     * flip 0.5, ColorJitter(0.4, 0.4, 0.2, 0.1) with p 0.8, grayscale 0.2, Gaussian blur with p 1.0 / 0.1,
     * solarisation with p 0.0 / 0.2. CIFAR drops the blur (both views), keeps the solarisation.
     *
     * @return the asymmetric views (view 1 = T, view 2 = T')
     */
    public static List<ViewPipeline> of(Target t) {
        return List.of(byolView(t, 1.0, 0.0), byolView(t, 0.1, 0.2));
    }

    private static ViewPipeline byolView(Target t, double blurP, double solarizeP) {
        boolean cifar = t == Target.CIFAR;
        return Presets.view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.08, 1.0),
                new RandomHorizontalFlip(0.5),
                new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.2, 0.1)),
                new RandomGrayscale(0.2),
                cifar ? null : new RandomApply<>(blurP, GaussianBlur.forImageSide(t.size())),
                solarizeP > 0 ? new RandomApply<>(solarizeP, Solarize.standard()) : null);
    }
}
