package io.sslbench.core.aug;

import java.util.ArrayList;
import java.util.List;

/**
 * What every method's view pipelines share: the image-size regimes ({@link Target}), the evaluation transforms and
 * the linear evaluation's augmentation, and {@link #view} to compose shared ops. Each method module writes its own
 * training views from the shared ops (e.g. {@code io.sslbench.simclr.SimClrViews}); CIFAR variants there drop Gaussian
 * blur, following the SimCLR paper (appendix B.9: "we do not use Gaussian blur" on CIFAR-10, colour distortion strength
 * 0.5), lightly's CIFAR-10 benchmarks ({@code gaussian_blur=0.}) and solo-learn's CIFAR configs.
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

    /**
     * MoCo v2's augmentation (facebookresearch/moco {@code main_moco.py --aug-plus}), which SimSiam's
     * {@code main_simsiam.py} reuses unchanged, so it is written once here for both modules: RandomResizedCrop(S, scale
     * (0.2, 1)), ColorJitter(0.4, 0.4, 0.4, 0.1) with p 0.8, grayscale 0.2, Gaussian blur sigma [0.1, 2] with p 0.5
     * (ImageNet only), flip 0.5.
     */
    public static ViewPipeline mocoV2Augmentation(Target t) {
        return view(t.size(), t.normalization(),
                RandomResizedCrop.of(t.size(), 0.2, 1.0),
                new RandomApply<>(0.8, ColorJitter.of(0.4, 0.4, 0.4, 0.1)),
                new RandomGrayscale(0.2),
                t == Target.CIFAR ? null : new RandomApply<>(0.5, GaussianBlur.forImageSide(t.size())),
                new RandomHorizontalFlip(0.5));
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

    /**
     * A view pipeline from {@code ops} in order, {@code null} entries skipped (so a preset can write an op that only one
     * image-size regime has as {@code cifar ? null : op}), then normalisation.
     */
    public static ViewPipeline view(int size, Normalization norm, AugOp<?>... ops) {
        List<AugOp<?>> list = new ArrayList<>();
        for (AugOp<?> op : ops) {
            if (op != null) {
                list.add(op);
            }
        }
        return new ViewPipeline(list, size, norm);
    }
}
