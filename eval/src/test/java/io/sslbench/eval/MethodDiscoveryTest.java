package io.sslbench.eval;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.aug.Presets;
import io.sslbench.core.engine.MethodCard;
import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.testing.Views;
import io.sslbench.eval.protocol.LinearEvalConfig;
import io.sslbench.moco.MocoViews;
import io.sslbench.simsiam.SimSiamViews;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 19: what the harness knows about each method comes from the method's module (its provider and card). */
class MethodDiscoveryTest {
    @Test
    void everyMethodModuleDeclaresItsCardInThePapersChronology() {
        assertEquals(List.of("moco-v1", "simclr", "moco-v2", "byol", "swav", "simclr-v2", "simsiam"),
                MethodCards.all().stream().map(MethodCard::id).toList(), "ordered by arXiv id");
        assertEquals(List.of("MoCo v1", "SimCLR", "MoCo v2", "BYOL", "SwAV", "SimCLR v2", "SimSiam"),
                MethodCards.all().stream().map(MethodCard::displayName).toList());
        for (MethodCard c : MethodCards.all()) {
            assertTrue(c.references().stream().anyMatch(p -> p.dataset().equals("ImageNet-1k")), c.id());
            assertTrue(c.references().stream().anyMatch(p -> p.protocol().equals("knn")), c.id() + ": lightly's number");
            assertTrue(LinearEvalConfig.forMethod(c.id()).augment(), c.id());
        }
        assertEquals(MethodProvider.available().size(), MethodCards.all().size());
    }

    @Test
    void aMethodsDeviationsAreItsCardsListThenItsConfigsOnes() {
        for (MethodCard c : MethodCards.all()) {
            RunConfig cfg = RunConfig.from(ConfigTree.load(c.id() + "-cifar10"));
            List<String> d = MethodProvider.forConfig(cfg).deviations();
            assertFalse(c.deviations().isEmpty(), c.id() + ": every method's card lists its deviations");
            assertEquals(c.deviations(), d.subList(0, c.deviations().size()), c.id());
        }
        RunConfig flipped = RunConfig.from(ConfigTree.override(ConfigTree.load("moco-v2-cifar10"),
                List.of("method.shuffleBn=false")));
        List<String> d = MethodProvider.forConfig(flipped).deviations();
        assertTrue(d.get(d.size() - 1).startsWith("method.shuffleBn=false"), d.toString());
    }

    @Test
    void everyRegisteredMethodsViewsRunOnCifarAndImagenetSizedImages() {
        for (String id : MethodProvider.available()) {
            RunConfig cfg = RunConfig.from(ConfigTree.load(id + "-cifar10"));
            for (Presets.Target t : Presets.Target.values()) {
                int side = t == Presets.Target.CIFAR ? 32 : 256;
                Views.assertRuns(MethodProvider.forConfig(cfg).views(t), Views.randomImage(side, side + 40 * t.ordinal(), 1), id + " at " + t);
            }
        }
    }

    @Test
    void simSiamsViewsAreMocoV2s() {
        for (Presets.Target t : Presets.Target.values()) {
            assertEquals(MocoViews.v2(t), SimSiamViews.of(t), "SimSiam's main_simsiam.py uses MoCo v2's augmentation");
        }
    }

    @Test
    void anUnregisteredMethodIdIsRejectedWithTheRegisteredOnesAndASuggestion() {
        RunConfig cfg = RunConfig.from(ConfigTree.override(ConfigTree.load("simclr-cifar10"),
                List.of("method.name=simsiamm")));
        ConfigException e = assertThrows(ConfigException.class, () -> MethodProvider.forConfig(cfg));
        assertEquals("method.name", e.key());
        assertTrue(e.getMessage().contains("did you mean 'simsiam'?") && e.getMessage().contains("moco-v2"),
                e.getMessage());
    }
}
