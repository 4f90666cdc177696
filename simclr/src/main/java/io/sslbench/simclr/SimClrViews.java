package io.sslbench.simclr;

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

/** SimCLR's training views, from core's shared ops. */
public final class SimClrViews {
    private SimClrViews() {}

    /**
     * SimCLR (Chen et al. 2020, appendix A; lightly {@code SimCLRTransform}): RandomResizedCrop(S, scale
     * (0.08, 1)), flip 0.5, ColorJitter(0.8s, 0.8s, 0.8s, 0.2s) with p 0.8, grayscale p 0.2, Gaussian blur
     * p 0.5 (kernel 10% of S, sigma [0.1, 2]). CIFAR: s = 0.5 and no blur (appendix B.9); ImageNet: s = 1.
     *
     * <p>// DEVIATION: SimCLR's TF crop uses up to 100 attempts ({@code distorted_bounding_box_crop});
     * torchvision's 10 attempts and centre fallback here.
     *
     * @return two identically distributed views
     */
    public static List<ViewPipeline> of(Target t) {
        boolean cifar = t == Target.CIFAR;
        ViewPipeline v = Presets.view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.08, 1.0),
                new RandomHorizontalFlip(0.5),
                new RandomApply<>(0.8, ColorJitter.simclr(cifar ? 0.5 : 1.0)),
                new RandomGrayscale(0.2),
                cifar ? null : new RandomApply<>(0.5, GaussianBlur.forImageSide(t.size())));
        return List.of(v, v);
    }
}
