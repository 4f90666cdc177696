package io.sslbench.core.engine;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.results.PaperNumber;
import io.sslbench.core.util.Suggest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MethodCardsTest {
    private static final String CARD = """
            methods:
              a-v1: {displayName: A v1, arxiv: "2001.00001", linearEval: {optimizer: sgd, lr: 30}}
              a-v2: {displayName: A v2, arxiv: "2002.00002", deviations: [only v2's]}
            deviations: [both ids']
            references:
              - {methods: [a-v1], model: A, protocol: linear, metric: top1, value: 0.6, dataset: ImageNet-1k,
                 backbone: R50, epochs: 200, batchSize: 256, scale: s, source: paper, checked: readme}
              - {methods: [a-v1, a-v2], model: lightly A, protocol: knn, metric: top1, value: 0.8, dataset: CIFAR-10,
                 backbone: R18, epochs: 200, batchSize: 128, scale: s, source: lightly, checked: repo}
            """;

    private static List<MethodCard> parse(String yaml, List<String> ids) {
        return MethodCards.parse(ConfigTree.parse(yaml, "card.yaml"), ids, "card.yaml");
    }

    @Test
    void aCardGivesEachIdItsNameOrderLinearEvaluationAndReferences() {
        List<MethodCard> cards = parse(CARD, List.of("a-v1", "a-v2"));
        MethodCard v1 = cards.get(0), v2 = cards.get(1);
        assertEquals("A v1", v1.displayName());
        assertEquals("2001.00001", v1.arxiv());
        assertEquals(Map.of("optimizer", "sgd", "lr", 30), v1.linearEval());
        assertTrue(v2.linearEval().isEmpty());
        assertEquals(List.of("A", "lightly A"), v1.references().stream().map(PaperNumber::model).toList());
        assertEquals(List.of("lightly A"), v2.references().stream().map(PaperNumber::model).toList(),
                "a reference shared by two ids belongs to both");
        assertSame(v1.references().get(1), v2.references().get(0));
        assertEquals(List.of("both ids'"), v1.deviations());
        assertEquals(List.of("both ids'", "only v2's"), v2.deviations(), "the card's list, then the id's own");
    }

    @Test
    void badCardsNameTheFileAndTheProblem() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> parse(CARD, List.of("a-v1", "a-v2", "a-v3")));
        assertTrue(missing.getMessage().contains("card.yaml") && missing.getMessage().contains("a-v3"), missing.getMessage());
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> parse(CARD.replace("[a-v1, a-v2]", "[a-v1, c]"), List.of("a-v1", "a-v2")));
        assertTrue(foreign.getMessage().contains("outside this card"), foreign.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> parse(CARD.replace("displayName: A v2", "displayName: A v2, paperr: x"), List.of("a-v1", "a-v2")));
        assertTrue(key.getMessage().contains("paperr"), key.getMessage());
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                () -> parse(CARD.replace("value: 0.6", "value: 60"), List.of("a-v1", "a-v2")));
        assertTrue(value.getMessage().contains("card.yaml") && value.getMessage().contains("fraction"), value.getMessage());
        IllegalArgumentException arxiv = assertThrows(IllegalArgumentException.class,
                () -> parse(CARD.replace("\"2002.00002\"", "2002.2"), List.of("a-v1", "a-v2")));
        assertTrue(arxiv.getMessage().contains("arxiv"), arxiv.getMessage());
    }

    @Test
    void withoutRegisteredMethodsNothingIsKnownAndNamesFallBackToIds() {
        // core's own test class path registers no provider
        assertEquals(List.of(), MethodCards.all());
        assertEquals("dino", MethodCards.displayName("dino"));
        assertTrue(MethodCards.ORDER.compare("a", "b") < 0);
    }

    @Test
    void didYouMeanSuggestsTheClosestNameWithinAThirdOfItsLength() {
        List<String> ids = List.of("simclr", "simclr-v2", "moco-v1", "moco-v2", "byol", "simsiam", "swav");
        assertEquals(" (did you mean 'simclr'?)", Suggest.didYouMean("simclrr", ids));
        assertEquals(" (did you mean 'moco-v2'?)", Suggest.didYouMean("mocov2", ids));
        assertEquals("", Suggest.didYouMean("dino", ids), "nothing close");
        assertEquals("", Suggest.didYouMean("byol", ids), "an exact name needs no suggestion");
        assertEquals(3, Suggest.distance("kitten", "sitting"));
        assertEquals(0, Suggest.distance("", ""));
        assertEquals(4, Suggest.distance("", "byol"));
    }
}
