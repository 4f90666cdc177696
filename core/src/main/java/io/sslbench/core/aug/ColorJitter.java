package io.sslbench.core.aug;

import io.sslbench.core.util.Randoms;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * torchvision {@code ColorJitter(brightness, contrast, saturation, hue)}.
 *
 * <p>Sampling ({@code get_params}): a uniformly random order of the four adjustments
 * ({@code torch.randperm(4)}), then {@code brightness ~ U(bMin, bMax)}, {@code contrast ~ U(cMin, cMax)},
 * {@code saturation ~ U(sMin, sMax)}, {@code hue ~ U(hMin, hMax)}, each drawn only when enabled (an
 * adjustment whose range is the single identity point, 1 for factors and 0 for hue, is disabled).
 * Application: the enabled adjustments in the sampled order (0 brightness, 1 contrast, 2 saturation,
 * 3 hue), see {@link Functional}.
 *
 * @param brightnessMin lower bound of the brightness factor, >= 0
 * @param brightnessMax upper bound, >= brightnessMin
 * @param contrastMin   lower bound of the contrast factor, >= 0
 * @param contrastMax   upper bound
 * @param saturationMin lower bound of the saturation factor, >= 0
 * @param saturationMax upper bound
 * @param hueMin        lower bound of the hue shift, >= -0.5
 * @param hueMax        upper bound, <= 0.5
 */
public record ColorJitter(double brightnessMin, double brightnessMax, double contrastMin, double contrastMax,
                          double saturationMin, double saturationMax, double hueMin, double hueMax)
        implements AugOp<ColorJitter.Factors> {

    public static final int BRIGHTNESS = 0;
    public static final int CONTRAST = 1;
    public static final int SATURATION = 2;
    public static final int HUE = 3;

    public ColorJitter {
        checkFactorRange("brightness", brightnessMin, brightnessMax);
        checkFactorRange("contrast", contrastMin, contrastMax);
        checkFactorRange("saturation", saturationMin, saturationMax);
        if (!(hueMin >= -0.5 && hueMin <= hueMax && hueMax <= 0.5)) {
            throw new IllegalArgumentException("ColorJitter.hue range must satisfy -0.5 <= min <= max <= 0.5, got ("
                    + hueMin + ", " + hueMax + ")");
        }
    }

    /**
     * torchvision's scalar form {@code ColorJitter(b, c, s, h)}: factor ranges
     * {@code [max(0, 1 - x), 1 + x]}, hue range {@code [-h, h]}.
     *
     * @param brightness >= 0
     * @param contrast   >= 0
     * @param saturation >= 0
     * @param hue        in [0, 0.5]
     */
    public static ColorJitter of(double brightness, double contrast, double saturation, double hue) {
        for (double v : new double[]{brightness, contrast, saturation}) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("ColorJitter strengths must be finite and >= 0, got " + v);
            }
        }
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("ColorJitter.hue must be in [0, 0.5], got " + hue);
        }
        return new ColorJitter(Math.max(0, 1 - brightness), 1 + brightness, Math.max(0, 1 - contrast), 1 + contrast,
                Math.max(0, 1 - saturation), 1 + saturation, -hue, hue);
    }

    /**
     * SimCLR's colour distortion of strength {@code s}: {@code ColorJitter(0.8s, 0.8s, 0.8s, 0.2s)}
     * (SimCLR appendix A, {@code get_color_distortion}).
     */
    public static ColorJitter simclr(double s) {
        return of(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s);
    }

    /**
     * Sampled jitter parameters.
     *
     * @param order      permutation of {0,1,2,3} (brightness, contrast, saturation, hue)
     * @param brightness factor, NaN when disabled
     * @param contrast   factor, NaN when disabled
     * @param saturation factor, NaN when disabled
     * @param hue        shift, NaN when disabled
     */
    public record Factors(int[] order, double brightness, double contrast, double saturation, double hue) {
        public Factors {
            boolean[] seen = new boolean[4];
            if (order == null || order.length != 4) {
                throw new IllegalArgumentException("ColorJitter order must be a permutation of 0..3");
            }
            for (int o : order) {
                if (o < 0 || o > 3 || seen[o]) {
                    throw new IllegalArgumentException("ColorJitter order must be a permutation of 0..3, got "
                            + Arrays.toString(order));
                }
                seen[o] = true;
            }
            order = order.clone();
        }

        @Override
        public int[] order() {
            return order.clone();
        }

        int orderAt(int k) {
            return order[k];
        }
    }

    boolean brightnessEnabled() {
        return !(brightnessMin == 1 && brightnessMax == 1);
    }

    boolean contrastEnabled() {
        return !(contrastMin == 1 && contrastMax == 1);
    }

    boolean saturationEnabled() {
        return !(saturationMin == 1 && saturationMax == 1);
    }

    boolean hueEnabled() {
        return !(hueMin == 0 && hueMax == 0);
    }

    @Override
    public Factors sample(SplittableRandom rng, int height, int width) {
        int[] order = {0, 1, 2, 3};
        Randoms.shuffle(order, rng::nextInt);
        double b = brightnessEnabled() ? RandomResizedCrop.uniform(rng, brightnessMin, brightnessMax) : Double.NaN;
        double c = contrastEnabled() ? RandomResizedCrop.uniform(rng, contrastMin, contrastMax) : Double.NaN;
        double s = saturationEnabled() ? RandomResizedCrop.uniform(rng, saturationMin, saturationMax) : Double.NaN;
        double h = hueEnabled() ? RandomResizedCrop.uniform(rng, hueMin, hueMax) : Double.NaN;
        return new Factors(order, b, c, s, h);
    }

    @Override
    public FloatImage apply(FloatImage img, Factors f) {
        for (int k = 0; k < 4; k++) {
            switch (f.orderAt(k)) {
                case BRIGHTNESS -> {
                    if (!Double.isNaN(f.brightness())) {
                        Functional.brightnessInPlace(img, f.brightness());
                    }
                }
                case CONTRAST -> {
                    if (!Double.isNaN(f.contrast())) {
                        Functional.contrastInPlace(img, f.contrast());
                    }
                }
                case SATURATION -> {
                    if (!Double.isNaN(f.saturation())) {
                        Functional.saturationInPlace(img, f.saturation());
                    }
                }
                default -> {
                    if (!Double.isNaN(f.hue())) {
                        Functional.hueInPlace(img, f.hue());
                    }
                }
            }
        }
        return img;
    }

    private static void checkFactorRange(String name, double lo, double hi) {
        if (!(lo >= 0 && lo <= hi) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("ColorJitter." + name + " range must satisfy 0 <= min <= max, got ("
                    + lo + ", " + hi + ")");
        }
    }
}
