package io.sslbench.moco;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.Presets.Target;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;

import java.util.List;

/** MoCo v1's and v2's training views, from core's shared ops. */
public final class MocoViews {
    private MocoViews() {}

    /**
     * MoCo v1 (He et al. 2020; facebookresearch/moco {@code main_moco.py}, the InstDisc augmentation):
     * RandomResizedCrop(S, scale (0.2, 1)), RandomGrayscale(0.2), ColorJitter(0.4, 0.4, 0.4, 0.4) always,
     * flip 0.5. Same ops at both sizes.
     *
     * @return query and key views
     */
    public static List<ViewPipeline> v1(Target t) {
        ViewPipeline v = Presets.view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.2, 1.0),
                new RandomGrayscale(0.2),
                ColorJitter.of(0.4, 0.4, 0.4, 0.4),
                new RandomHorizontalFlip(0.5));
        return List.of(v, v);
    }

    /**
     * MoCo v2 (Chen et al. 2020; facebookresearch/moco {@code main_moco.py --aug-plus}): {@link
     * Presets#mocoV2Augmentation} (in core because SimSiam uses it unchanged).
     *
     * @return query and key views
     */
    public static List<ViewPipeline> v2(Target t) {
        ViewPipeline v = Presets.mocoV2Augmentation(t);
        return List.of(v, v);
    }
}
