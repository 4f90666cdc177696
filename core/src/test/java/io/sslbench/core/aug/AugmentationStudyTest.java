package io.sslbench.core.aug;

import io.sslbench.core.testing.Views;
import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.RunConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class AugmentationStudyTest {
    private static List<AugmentationStudy.Kind> kinds(ViewPipeline v) {
        return v.ops().stream().map(AugmentationStudy.Kind::of).filter(java.util.Objects::nonNull).toList();
    }

    @Test
    void kindNamesAreTheConfigsNames() {
        assertEquals(RunConfig.Aug.KINDS, Arrays.stream(AugmentationStudy.Kind.values()).map(AugmentationStudy.Kind::id).toList());
    }

    @Test
    void defaultSectionLeavesTheMethodsViewsAlone() {
        List<ViewPipeline> views = Views.asymmetric(Presets.Target.CIFAR);
        assertSame(views, AugmentationStudy.apply(RunConfig.Aug.defaults(), views, Presets.Target.CIFAR));
    }

    @Test
    void reductionKeepsOnlyTheListedKindsWithTheMethodsOwnOps() {
        List<ViewPipeline> byol = Views.asymmetric(Presets.Target.CIFAR);
        List<ViewPipeline> noColour = AugmentationStudy.apply(new RunConfig.Aug("crop+flip+blur+solarize", "", ""), byol,
                Presets.Target.CIFAR);
        assertEquals(List.of(AugmentationStudy.Kind.CROP, AugmentationStudy.Kind.FLIP), kinds(noColour.get(0)));
        assertEquals(List.of(AugmentationStudy.Kind.CROP, AugmentationStudy.Kind.FLIP, AugmentationStudy.Kind.SOLARIZE),
                kinds(noColour.get(1)), "BYOL's second view keeps its solarisation");
        assertSame(byol.get(1).ops().get(0), noColour.get(1).ops().get(0), "the method's own crop op, not a new one");
        List<ViewPipeline> cropOnly = AugmentationStudy.apply(new RunConfig.Aug("crop", "", ""), byol, Presets.Target.CIFAR);
        cropOnly.forEach(v -> assertEquals(List.of(AugmentationStudy.Kind.CROP), kinds(v)));
    }

    @Test
    void aViewThatLosesItsCropIsResizedToItsSideAndOtherwiseUntouched() {
        List<ViewPipeline> simclr = Views.symmetric(Presets.Target.CIFAR);
        List<ViewPipeline> flipOnly = AugmentationStudy.apply(new RunConfig.Aug("flip", "", ""), simclr, Presets.Target.CIFAR);
        FloatImage img = TestImages.random(40, 48, 3, 1);
        FloatImage out = flipOnly.get(0).augment(img, new SplittableRandom(3));
        assertEquals(32, out.height());
        assertEquals(32, out.width());
        FloatImage same = TestImages.random(32, 32, 3, 2);
        FloatImage kept = flipOnly.get(0).augment(same, new SplittableRandom(5));
        FloatImage flipped = Functional.hflip(same);
        assertTrue(Arrays.equals(kept.data(), same.data()) || Arrays.equals(kept.data(), flipped.data()),
                "a 32x32 image is only ever flipped");
    }

    @Test
    void compositionAppliesFirstThenSecondToOneBranchAndTheIdentityToTheOther() {
        List<ViewPipeline> simclr = Views.symmetric(Presets.Target.CIFAR);
        List<ViewPipeline> v = AugmentationStudy.apply(new RunConfig.Aug("all", "color", "crop"), simclr, Presets.Target.CIFAR);
        assertEquals(List.of(AugmentationStudy.Kind.COLOR, AugmentationStudy.Kind.CROP), kinds(v.get(0)));
        assertEquals(List.of(), kinds(v.get(1)));
        FloatImage img = TestImages.random(32, 32, 3, 7);
        assertArrayEquals(img.data(), v.get(1).augment(img, new SplittableRandom(1)).data(), "the identity branch");
        List<ViewPipeline> single = AugmentationStudy.apply(new RunConfig.Aug("all", "blur", "blur"), simclr,
                Presets.Target.CIFAR);
        assertEquals(List.of(AugmentationStudy.Kind.BLUR), kinds(single.get(0)), "the diagonal: the first alone");
        assertEquals(List.of(AugmentationStudy.Kind.BLUR), kinds(AugmentationStudy.apply(new RunConfig.Aug("all", "blur", ""),
                simclr, Presets.Target.CIFAR).get(0)));
        // ImageNet-sized inputs: both branches first take the method's random crop (the paper's first step)
        List<ViewPipeline> big = AugmentationStudy.apply(new RunConfig.Aug("all", "color", ""),
                Views.symmetric(Presets.Target.IMAGENET), Presets.Target.IMAGENET);
        assertEquals(List.of(AugmentationStudy.Kind.CROP, AugmentationStudy.Kind.COLOR), kinds(big.get(0)));
        assertEquals(List.of(AugmentationStudy.Kind.CROP), kinds(big.get(1)));
        assertEquals(224, big.get(1).augment(TestImages.random(300, 260, 3, 1), new SplittableRandom(2)).height());
    }

    @Test
    void compositionNeedsTwoViewsAndConfigsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AugmentationStudy.apply(
                new RunConfig.Aug("all", "color", ""), Views.multiCrop(Presets.Target.CIFAR, 2), Presets.Target.CIFAR));
        assertTrue(e.getMessage().contains("two-view"), e.getMessage());
        assertThrows(ConfigException.class, () -> new RunConfig.Aug("crop+colour", "", ""));
        assertThrows(ConfigException.class, () -> new RunConfig.Aug("all", "rotate", ""));
        assertThrows(ConfigException.class, () -> new RunConfig.Aug("all", "", "crop"));
    }

    @Test
    void theDefaultSectionWrittenOutKeepsTheHashAndAStudyChangesIt() {
        RunConfig base = RunConfig.from(java.util.Map.of("method", java.util.Map.of("name", "simclr")));
        assertEquals(io.sslbench.core.engine.RunIdentity.hash(base), io.sslbench.core.engine.RunIdentity.hash(RunConfig.from(
                java.util.Map.of("method", java.util.Map.of("name", "simclr"), "aug", java.util.Map.of("keep", "all")))));
        RunConfig study = RunConfig.from(java.util.Map.of("method", java.util.Map.of("name", "simclr"),
                "aug", java.util.Map.of("first", "crop", "second", "color")));
        assertEquals("crop", study.aug().first());
        assertNotEquals(io.sslbench.core.engine.RunIdentity.hash(base), io.sslbench.core.engine.RunIdentity.hash(study));
    }
}
