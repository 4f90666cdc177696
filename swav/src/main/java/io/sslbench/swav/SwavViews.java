package io.sslbench.swav;

import io.sslbench.core.aug.ColorJitter;
import io.sslbench.core.aug.GaussianBlur;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.Presets.Target;
import io.sslbench.core.aug.RandomApply;
import io.sslbench.core.aug.RandomGrayscale;
import io.sslbench.core.aug.RandomHorizontalFlip;
import io.sslbench.core.aug.RandomResizedCrop;
import io.sslbench.core.aug.ViewPipeline;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** SwAV's multi-crop training views, from core's shared ops. */
public final class SwavViews {
    private SwavViews() {}

    /** SwAV's default number of small crops at ImageNet size (2x224 + 6x96). */
    public static final int IMAGENET_SMALL_CROPS = 6;
    /** Side of SwAV's small crops at ImageNet size. */
    public static final int IMAGENET_SMALL_SIZE = 96;
    /** Side of the small crops in our CIFAR multi-crop (16 px; 18 is the other common choice). */
    public static final int CIFAR_SMALL_SIZE = 16;

    /**
     * SwAV multi-crop (Caron et al. 2020; facebookresearch/swav {@code src/multicropdataset.py}, lightly
     * {@code SwaVTransform}): 2 global crops RandomResizedCrop(S, (0.14, 1)) and {@code smallCrops} small
     * crops RandomResizedCrop(s, (0.05, 0.14)); each then flip 0.5, ColorJitter(0.8s', 0.8s', 0.8s',
     * 0.2s') with p 0.8, grayscale 0.2, blur p 0.5 (ImageNet only, kernel 23 for every crop as the
     * official code's {@code cv2.GaussianBlur((23, 23), sigma)}). ImageNet: S = 224, s = 96, s' = 1.
     * CIFAR: S = 32, s = {@link #CIFAR_SMALL_SIZE}, s' = 0.5 (as SimCLR on CIFAR).
     *
     * <p>// DEVIATION: the official SwAV code normalises with std 0.228 for the red channel (a typo of
     * ImageNet's 0.229); we use 0.229.
     *
     * @param smallCrops number of small crops, >= 0
     * @return global views first, then the small ones
     */
    public static List<ViewPipeline> of(Target t, int smallCrops) {
        return of(t, smallCrops, t == Target.CIFAR ? CIFAR_SMALL_SIZE : IMAGENET_SMALL_SIZE);
    }

    /**
     * {@link #of(Target, int)} with an explicit small-crop side.
     *
     * @param smallSize side of the small crops, > 0
     */
    public static List<ViewPipeline> of(Target t, int smallCrops, int smallSize) {
        if (smallCrops < 0) {
            throw new IllegalArgumentException("SwAV small crop count must be >= 0, got " + smallCrops);
        }
        ViewPipeline global = swavView(t, t.size(), 0.14, 1.0);
        ViewPipeline local = swavView(t, smallSize, 0.05, 0.14);
        List<ViewPipeline> views = new ArrayList<>();
        views.add(global);
        views.add(global);
        views.addAll(Collections.nCopies(smallCrops, local));
        return List.copyOf(views);
    }

    private static ViewPipeline swavView(Target t, int size, double scaleMin, double scaleMax) {
        boolean cifar = t == Target.CIFAR;
        return Presets.view(size, t.normalization(),
                RandomResizedCrop.of(size, scaleMin, scaleMax),
                new RandomHorizontalFlip(0.5),
                new RandomApply<>(0.8, ColorJitter.simclr(cifar ? 0.5 : 1.0)),
                new RandomGrayscale(0.2),
                cifar ? null : new RandomApply<>(0.5, new GaussianBlur(23, 0.1, 2.0)));
    }
}
