package io.sslbench.core.aug;

import io.sslbench.core.config.RunConfig;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The augmentation studies' edits of a method's own views (config section {@code aug}), so that every study runs the
 * method's own ops with its own parameters and only the composition changes.
 *
 * <ul>
 *   <li><b>Reduction</b> ({@code aug.keep}, BYOL Sec. 5 / Fig. 3b): every view keeps only the ops of the listed kinds
 *       ("crop": crops only; "crop+flip+blur+solarize": colour distortion removed). A view that loses its crop is
 *       resized and centre-cropped to its side instead (a no-op on CIFAR, whose images already have it).</li>
 *   <li><b>Composition</b> ({@code aug.first}, {@code aug.second}, SimCLR Sec. 3 / Fig. 5): the paper's asymmetric
 *       protocol. "We always first randomly crop images and resize them to the same resolution, and we then apply the
 *       targeted transformation(s) only to one branch [...] while leaving the other branch as the identity". Branch 1
 *       applies the first transformation, then the second (the diagonal: the first alone); branch 2 is the identity.
 *       The ops are those of the method's first view (its probabilities included), in the order named. On 32x32 data
 *       (CIFAR) the images already share one resolution, so no crop precedes the targeted ones: "crop" is a targeted
 *       transformation like the others, as in the paper's matrix. A kind the method's view lacks (blur: the CIFAR presets
 *       drop it) is the SimCLR op: Gaussian blur with p 0.5, kernel 10% of the side, sigma in [0.1, 2].</li>
 * </ul>
 */
public final class AugmentationStudy {
    private AugmentationStudy() {}

    /** The op kinds the studies name. */
    public enum Kind {
        CROP, FLIP, COLOR, GRAYSCALE, BLUR, SOLARIZE;

        /** @return the lower-case name used in configs */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param id a kind's config name (crop, flip, color, grayscale, blur, solarize; case-insensitive)
         * @throws IllegalArgumentException naming the known kinds
         */
        public static Kind parse(String id) {
            for (Kind k : values()) {
                if (k.id().equalsIgnoreCase(id.strip())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown augmentation '" + id + "'; known: crop, flip, color, grayscale, "
                    + "blur, solarize");
        }

        /** @return the kind of an op (looking through {@link RandomApply}), or null for structural ops (resize, centre crop) */
        public static Kind of(AugOp<?> op) {
            AugOp<?> inner = op instanceof RandomApply<?> r ? r.op() : op;
            if (inner instanceof RandomResizedCrop) {
                return CROP;
            } else if (inner instanceof RandomHorizontalFlip) {
                return FLIP;
            } else if (inner instanceof ColorJitter) {
                return COLOR;
            } else if (inner instanceof RandomGrayscale) {
                return GRAYSCALE;
            } else if (inner instanceof GaussianBlur) {
                return BLUR;
            } else if (inner instanceof Solarize) {
                return SOLARIZE;
            }
            return null;
        }
    }


    /**
     * @param keep {@code all} or kinds joined by '+', e.g. "crop+flip"
     * @return the kinds kept
     */
    public static Set<Kind> parseKeep(String keep) {
        if (keep.strip().equalsIgnoreCase(RunConfig.Aug.ALL)) {
            return EnumSet.allOf(Kind.class);
        }
        Set<Kind> out = EnumSet.noneOf(Kind.class);
        for (String s : keep.split("\\+")) {
            out.add(Kind.parse(s));
        }
        return out;
    }

    /** Applies a config's {@code aug} section to a method's views (see {@link #apply(List, Presets.Target, String, String, String)}). */
    public static List<ViewPipeline> apply(RunConfig.Aug aug, List<ViewPipeline> views, Presets.Target target) {
        return apply(views, target, aug.keep(), aug.first(), aug.second());
    }

    /**
     * Applies the {@code aug} section to a method's views.
     *
     * @param views  the method's views
     * @param target the image regime: on {@link Presets.Target#CIFAR} the composition protocol's branches start from
     *               the image itself; otherwise both start with the method's random crop (the paper's first step)
     * @param keep   {@code all} or the kinds to keep, '+'-joined
     * @param first  "" (the method's own views) or the first transformation of the composition protocol
     * @param second "" or the second transformation (needs {@code first}; equal to it or "" means the first alone)
     * @return the edited views (the same list when nothing is asked)
     */
    public static List<ViewPipeline> apply(List<ViewPipeline> views, Presets.Target target, String keep, String first,
                                           String second) {
        List<ViewPipeline> out = views;
        if (!first.isBlank()) {
            Kind a = Kind.parse(first);
            Kind b = second.isBlank() ? a : Kind.parse(second);
            out = composition(out, a, b, target != Presets.Target.CIFAR);
        }
        Set<Kind> kept = parseKeep(keep);
        return kept.size() == Kind.values().length ? out : out.stream().map(v -> keepOnly(v, kept)).toList();
    }

    /**
     * @return the view with only the ops of the kept kinds (and structural ops); a lost crop becomes resize + centre
     *         crop to the view's side
     */
    static ViewPipeline keepOnly(ViewPipeline v, Set<Kind> keep) {
        List<AugOp<?>> ops = new ArrayList<>();
        for (AugOp<?> op : v.ops()) {
            Kind k = Kind.of(op);
            if (k == null || keep.contains(k)) {
                ops.add(op);
            } else if (k == Kind.CROP) {
                ops.add(new Resize(v.outputSize()));
                ops.add(new CenterCrop(v.outputSize()));
            }
        }
        return new ViewPipeline(ops, v.outputSize(), v.normalization());
    }

    /**
     * SimCLR's composition protocol: branch 1 = {@code a} then {@code b} (just {@code a} when equal), branch 2 = the
     * identity. Needs a two-view method.
     *
     * @param preCrop both branches start with the method's random crop (images of other sizes than the views')
     */
    static List<ViewPipeline> composition(List<ViewPipeline> views, Kind a, Kind b, boolean preCrop) {
        if (views.size() != 2) {
            throw new IllegalArgumentException("the composition protocol (aug.first/aug.second) applies one branch's "
                    + "transformations against an identity branch: it needs a two-view method, this one has "
                    + views.size() + " views");
        }
        ViewPipeline v = views.get(0);
        List<AugOp<?>> start = preCrop ? List.of(opOf(v, Kind.CROP))
                : List.of(new Resize(v.outputSize()), new CenterCrop(v.outputSize())); // no-ops at the views' side
        List<AugOp<?>> ops = new ArrayList<>(start);
        ops.add(opOf(v, a));
        if (b != a) {
            ops.add(opOf(v, b));
        }
        return List.of(new ViewPipeline(ops, v.outputSize(), v.normalization()),
                new ViewPipeline(start, v.outputSize(), v.normalization()));
    }

    private static AugOp<?> opOf(ViewPipeline v, Kind k) {
        for (AugOp<?> op : v.ops()) {
            if (Kind.of(op) == k) {
                return op;
            }
        }
        return switch (k) {
            case BLUR -> new RandomApply<>(0.5, GaussianBlur.forImageSide(v.outputSize()));
            case SOLARIZE -> new RandomApply<>(0.2, Solarize.standard());
            case CROP -> RandomResizedCrop.of(v.outputSize(), 0.08, 1.0);
            case FLIP -> new RandomHorizontalFlip(0.5);
            case GRAYSCALE -> new RandomGrayscale(0.2);
            case COLOR -> new RandomApply<>(0.8, ColorJitter.simclr(1.0));
        };
    }
}
