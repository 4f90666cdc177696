package io.sslbench.simsiam;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.Presets.Target;
import io.sslbench.core.aug.ViewPipeline;

import java.util.List;

/** SimSiam's training views. */
public final class SimSiamViews {
    private SimSiamViews() {}

    /**
     * SimSiam (Chen and He 2021; facebookresearch/simsiam {@code main_simsiam.py}): MoCo v2's
     * augmentation unchanged ({@link Presets#mocoV2Augmentation}), crop scale (0.2, 1).
     *
     * @return the two views
     */
    public static List<ViewPipeline> of(Target t) {
        ViewPipeline v = Presets.mocoV2Augmentation(t);
        return List.of(v, v);
    }
}
