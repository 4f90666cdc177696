package io.sslbench.core.aug;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The one place where each paper's view pipelines are written down, at CIFAR (32 px) and ImageNet
 * (224 px) sizes. Every factory returns the list of views a method trains on (one {@link ViewPipeline}
 * per view, in the order the loss expects them).
 *
 * <p>CIFAR variants drop Gaussian blur, following the SimCLR paper (appendix B.9: "we do not use Gaussian
 * blur" on CIFAR-10, colour distortion strength 0.5), lightly's CIFAR-10 benchmarks
 * ({@code gaussian_blur=0.}) and solo-learn's CIFAR configs.
 *
 * <p>// DEVIATION: the official repositories resample with PIL bilinear (torchvision default) except
 * solo-learn (bicubic); we use PIL-style bilinear everywhere. Blur is torchvision's Gaussian (see
 * {@link GaussianBlur}).
 */
public final class Presets {
    private Presets() {}

    /** Image-size regime of a preset. */
    public enum Target {
        /** 32x32 inputs, CIFAR-10 statistics */
        CIFAR(32, Normalization.CIFAR10),
        /** 224x224 crops of larger images, ImageNet statistics */
        IMAGENET(224, Normalization.IMAGENET);

        private final int size;
        private final Normalization normalization;

        Target(int size, Normalization normalization) {
            this.size = size;
            this.normalization = normalization;
        }

        /** @return the training crop side */
        public int size() {
            return size;
        }

        public Normalization normalization() {
            return normalization;
        }
    }

    /** SwAV's default number of small crops at ImageNet size (2x224 + 6x96). */
    public static final int SWAV_IMAGENET_SMALL_CROPS = 6;
    /** Side of SwAV's small crops at ImageNet size. */
    public static final int SWAV_IMAGENET_SMALL_SIZE = 96;
    /** Side of the small crops in our CIFAR multi-crop (16 px; 18 is the other common choice). */
    public static final int SWAV_CIFAR_SMALL_SIZE = 16;

    /**
     * @param method one of simclr, moco-v1, moco-v2, byol, simsiam, swav (case-insensitive)
     * @return that method's training views (SwAV with its default small crops: 6 on ImageNet, 6 on CIFAR)
     */
    public static List<ViewPipeline> forMethod(String method, Target t) {
        return switch (method.toLowerCase(Locale.ROOT)) {
            case "simclr" -> simclr(t);
            case "moco-v1", "mocov1" -> mocoV1(t);
            case "moco-v2", "mocov2" -> mocoV2(t);
            case "byol" -> byol(t);
            case "simsiam" -> simsiam(t);
            case "swav" -> swav(t, SWAV_IMAGENET_SMALL_CROPS);
            default -> throw new IllegalArgumentException("unknown augmentation preset '" + method
                    + "'; known: simclr, moco-v1, moco-v2, byol, simsiam, swav");
        };
    }

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
    public static List<ViewPipeline> simclr(Target t) {
        boolean cifar = t == Target.CIFAR;
        ViewPipeline v = view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.08, 1.0),
                new RandomHorizontalFlip(0.5),
                new RandomApply<>(0.8, ColorJitter.simclr(cifar ? 0.5 : 1.0)),
                new RandomGrayscale(0.2),
                cifar ? null : new RandomApply<>(0.5, GaussianBlur.forImageSide(t.size())));
        return List.of(v, v);
    }

    /**
     * MoCo v1 (He et al. 2020; facebookresearch/moco {@code main_moco.py}, the InstDisc augmentation):
     * RandomResizedCrop(S, scale (0.2, 1)), RandomGrayscale(0.2), ColorJitter(0.4, 0.4, 0.4, 0.4) always,
     * flip 0.5. Same ops at both sizes.
     *
     * @return query and key views
     */
    public static List<ViewPipeline> mocoV1(Target t) {
        ViewPipeline v = view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.2, 1.0),
                new RandomGrayscale(0.2),
                ColorJitter.of(0.4, 0.4, 0.4, 0.4),
                new RandomHorizontalFlip(0.5));
        return List.of(v, v);
    }

    /**
     * MoCo v2 (Chen et al. 2020; facebookresearch/moco {@code main_moco.py --aug-plus}):
     * RandomResizedCrop(S, scale (0.2, 1)), ColorJitter(0.4, 0.4, 0.4, 0.1) with p 0.8, grayscale 0.2,
     * Gaussian blur sigma [0.1, 2] with p 0.5 (ImageNet only), flip 0.5.
     *
     * @return query and key views
     */
    public static List<ViewPipeline> mocoV2(Target t) {
        ViewPipeline v = mocoV2View(t);
        return List.of(v, v);
    }

    /**
     * SimSiam (Chen and He 2021; facebookresearch/simsiam {@code main_simsiam.py}): identical to MoCo v2's
     * augmentation, crop scale (0.2, 1).
     *
     * @return the two views
     */
    public static List<ViewPipeline> simsiam(Target t) {
        ViewPipeline v = mocoV2View(t);
        return List.of(v, v);
    }

    private static ViewPipeline mocoV2View(Target t) {
        return view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.2, 1.0),
                new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.4, 0.1)),
                new RandomGrayscale(0.2),
                t == Target.CIFAR ? null : new RandomApply<>(0.5, GaussianBlur.forImageSide(t.size())),
                new RandomHorizontalFlip(0.5));
    }

    /**
     * BYOL (Grill et al. 2020, table 6; lightly {@code BYOLTransform}; solo-learn
     * {@code scripts/pretrain/cifar/augmentations/asymmetric.yaml}): RandomResizedCrop(S, (0.08, 1)),
     * flip 0.5, ColorJitter(0.4, 0.4, 0.2, 0.1) with p 0.8, grayscale 0.2, Gaussian blur with p 1.0 / 0.1,
     * solarisation with p 0.0 / 0.2. CIFAR drops the blur (both views), keeps the solarisation.
     *
     * @return the asymmetric views (view 1 = T, view 2 = T')
     */
    public static List<ViewPipeline> byol(Target t) {
        return List.of(byolView(t, 1.0, 0.0), byolView(t, 0.1, 0.2));
    }

    private static ViewPipeline byolView(Target t, double blurP, double solarizeP) {
        boolean cifar = t == Target.CIFAR;
        return view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.08, 1.0),
                new RandomHorizontalFlip(0.5),
                new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.2, 0.1)),
                new RandomGrayscale(0.2),
                cifar ? null : new RandomApply<>(blurP, GaussianBlur.forImageSide(t.size())),
                solarizeP > 0 ? new RandomApply<>(solarizeP, Solarize.standard()) : null);
    }

    /**
     * SwAV multi-crop (Caron et al. 2020; facebookresearch/swav {@code src/multicropdataset.py}, lightly
     * {@code SwaVTransform}): 2 global crops RandomResizedCrop(S, (0.14, 1)) and {@code smallCrops} small
     * crops RandomResizedCrop(s, (0.05, 0.14)); each then flip 0.5, ColorJitter(0.8s', 0.8s', 0.8s',
     * 0.2s') with p 0.8, grayscale 0.2, blur p 0.5 (ImageNet only, kernel 23 for every crop as the
     * official code's {@code cv2.GaussianBlur((23, 23), sigma)}). ImageNet: S = 224, s = 96, s' = 1.
     * CIFAR: S = 32, s = {@link #SWAV_CIFAR_SMALL_SIZE}, s' = 0.5 (as SimCLR on CIFAR).
     *
     * <p>// DEVIATION: the official SwAV code normalises with std 0.228 for the red channel (a typo of
     * ImageNet's 0.229); we use 0.229.
     *
     * @param smallCrops number of small crops, >= 0
     * @return global views first, then the small ones
     */
    public static List<ViewPipeline> swav(Target t, int smallCrops) {
        return swav(t, smallCrops, t == Target.CIFAR ? SWAV_CIFAR_SMALL_SIZE : SWAV_IMAGENET_SMALL_SIZE);
    }

    /**
     * {@link #swav(Target, int)} with an explicit small-crop side.
     *
     * @param smallSize side of the small crops, > 0
     */
    public static List<ViewPipeline> swav(Target t, int smallCrops, int smallSize) {
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
        return view(size, t.normalization(),
                RandomResizedCrop.of(size, scaleMin, scaleMax),
                new RandomHorizontalFlip(0.5),
                new RandomApply<>(0.8, ColorJitter.simclr(cifar ? 0.5 : 1.0)),
                new RandomGrayscale(0.2),
                cifar ? null : new RandomApply<>(0.5, new GaussianBlur(23, 0.1, 2.0)));
    }

    /**
     * The linear evaluation's training augmentation (MoCo and SimSiam {@code main_lincls.py}, SwAV
     * {@code eval_linear.py}: {@code RandomResizedCrop(S)} with torchvision's default scale (0.08, 1), then
     * {@code RandomHorizontalFlip()}), then normalisation.
     */
    public static ViewPipeline linearEval(Target t, Normalization norm) {
        return view(t.size(), norm, RandomResizedCrop.of(t.size(), 0.08, 1.0), new RandomHorizontalFlip(0.5));
    }

    /**
     * Evaluation transform (no augmentation): CIFAR: the 32x32 image as is; ImageNet: Resize(256) (shorter
     * side) then CenterCrop(224), as in MoCo/SimSiam {@code main_lincls.py}. Then normalisation.
     */
    public static ViewPipeline eval(Target t) {
        return t == Target.CIFAR
                ? eval(t.size(), t.size(), t.normalization())
                : eval(256, 224, t.normalization());
    }

    /**
     * Resize(shorter side = {@code resize}) then CenterCrop({@code crop}) then normalisation.
     *
     * @param resize shorter side after resizing (a no-op if the image already has it)
     * @param crop   output side, <= resize
     */
    public static ViewPipeline eval(int resize, int crop, Normalization norm) {
        if (crop > resize) {
            throw new IllegalArgumentException("eval crop " + crop + " larger than resize " + resize);
        }
        return new ViewPipeline(List.of(new Resize(resize), new CenterCrop(crop)), crop, norm);
    }

    private static ViewPipeline view(int size, Normalization norm, AugOp<?>... ops) {
        List<AugOp<?>> list = new ArrayList<>();
        for (AugOp<?> op : ops) {
            if (op != null) {
                list.add(op);
            }
        }
        return new ViewPipeline(list, size, norm);
    }
}
