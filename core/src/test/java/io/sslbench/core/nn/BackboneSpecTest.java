package io.sslbench.core.nn;

import io.sslbench.core.nn.BackboneSpec.Depth;
import io.sslbench.core.nn.BackboneSpec.Stem;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackboneSpecTest {

    @Test
    void parsesTheDocumentedExamples() {
        assertEquals(new BackboneSpec(Depth.RESNET18, Stem.CIFAR, 1, 3), BackboneSpec.parse("resnet18-cifar"));
        assertEquals(new BackboneSpec(Depth.RESNET50, Stem.IMAGENET, 1, 3), BackboneSpec.parse("resnet50-imagenet"));
        assertEquals(new BackboneSpec(Depth.RESNET50, Stem.IMAGENET, 2, 3), BackboneSpec.parse("resnet50x2-imagenet"));
        assertEquals(new BackboneSpec(Depth.SMALL, Stem.CIFAR, 1, 3), BackboneSpec.parse("small-cifar"));
        assertEquals(new BackboneSpec(Depth.RESNET18, Stem.CIFAR, 1, 1), BackboneSpec.parse("resnet18-cifar-gray"));
        assertEquals(new BackboneSpec(Depth.RESNET34, Stem.IMAGENET, 4, 1), BackboneSpec.parse(" ResNet34x4-ImageNet-Gray "));
        assertEquals(BackboneSpec.parse("resnet18-cifar"), BackboneSpec.parse("resnet18x1-cifar"));
    }

    @Test
    void idRoundTripsForEveryCombination() {
        for (Depth d : Depth.values()) {
            for (Stem s : Stem.values()) {
                for (int w : new int[]{1, 2, 4, 16}) {
                    for (int c : new int[]{1, 3}) {
                        BackboneSpec spec = new BackboneSpec(d, s, w, c);
                        assertEquals(spec, BackboneSpec.parse(spec.id()), spec.id());
                    }
                }
            }
        }
        assertEquals("resnet50x2-imagenet", BackboneSpec.parse("resnet50x2-imagenet").id());
        assertEquals("small-cifar-gray", BackboneSpec.parse("small-cifar-gray").id());
    }

    @Test
    void unknownIdsAreRejectedWithTheValidOnesListed() {
        for (String bad : new String[]{"resnet101-cifar", "resnet18", "resnet18-svhn", "resnet18-cifar-rgb", "", "resnet18x-cifar"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackboneSpec.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            for (String id : BackboneSpec.baseIds()) {
                assertTrue(e.getMessage().contains(id), e.getMessage());
            }
        }
        assertEquals(8, BackboneSpec.baseIds().size());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackboneSpec.parse("resnet50x0-imagenet"))
                .getMessage().contains("x0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BackboneSpec.parse("resnet50x17-imagenet"))
                .getMessage().contains("x17"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BackboneSpec(Depth.SMALL, Stem.CIFAR, 1, 2))
                .getMessage().contains("inputChannels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BackboneSpec(Depth.SMALL, Stem.CIFAR, 0, 3))
                .getMessage().contains("widthMultiplier"));
    }

    @Test
    void widthsFollowTheResNetLayout() {
        BackboneSpec r18 = BackboneSpec.parse("resnet18-cifar");
        assertEquals(64, r18.stemWidth());
        assertEquals(512, r18.featureDim());
        assertEquals(8, r18.totalStride());
        BackboneSpec r50x2 = BackboneSpec.parse("resnet50x2-imagenet");
        assertEquals(128, r50x2.stemWidth());           // SimCLR: the stem is widened too
        assertEquals(128, r50x2.stageWidth(0));
        assertEquals(512, r50x2.stageOutput(0));        // Bottleneck expansion 4
        assertEquals(4096, r50x2.featureDim());
        assertEquals(32, r50x2.totalStride());
        BackboneSpec small = BackboneSpec.parse("small-cifar");
        assertEquals(3, small.depth().numStages());
        assertEquals(16, small.stageWidth(0));
        assertEquals(32, small.stageWidth(1));
        assertEquals(64, small.featureDim());
        assertEquals(128, BackboneSpec.parse("smallx2-cifar").featureDim());
        assertThrows(IllegalArgumentException.class, () -> small.stageWidth(3));
    }
}
