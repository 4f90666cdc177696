package io.sslbench.eval.grid;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.config.ConfigTree;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 19: a grid's gate lives in the grid's file. */
class GridGateTest {
    @Test
    void conditionsMatchValuesNumericallyAndBounds() {
        assertTrue(GridGate.matches(Map.of("method.momentum", "0"), Map.of("method.momentum", "0.0")));
        assertFalse(GridGate.matches(Map.of("method.momentum", "0"), Map.of("method.momentum", "0.9")));
        assertTrue(GridGate.matches(Map.of("method.epsilon", ">= 0.3"), Map.of("method.epsilon", "0.3")));
        assertFalse(GridGate.matches(Map.of("method.epsilon", "<= 0.05"), Map.of("method.epsilon", "0.3")));
        assertTrue(GridGate.matches(Map.of("method.head", "mlp"), Map.of("method.head", "mlp", "seed", "0")));
        assertFalse(GridGate.matches(Map.of("method.head", "mlp"), Map.of()), "a row without the axis never matches");
        assertFalse(GridGate.matches(Map.of("aug.second", ">= 1"), Map.of("aug.second", "crop")));
    }

    @Test
    void theBundledAblationsDeclareTheirGates() {
        GridGate simsiam = GridGate.of("simsiam-stopgrad").orElseThrow();
        assertEquals("simsiam", simsiam.collapse().orElseThrow().method());
        assertEquals(List.of("true", "false"), simsiam.direction().orElseThrow().bestFirst());
        assertEquals(Map.of("method.predictor", "false"), GridGate.of("simsiam-ablation").orElseThrow().collapse()
                .orElseThrow().except());
        assertTrue(GridGate.of("moco-momentum").orElseThrow().collapse().isPresent());
        assertTrue(GridGate.of("swav-epsilon").orElseThrow().direction().isEmpty());
        assertTrue(GridGate.of("simclr-head").orElseThrow().collapse().isEmpty());
        assertTrue(GridGate.of("methods").isEmpty(), "the methods grid has no ablation gate");
        assertTrue(GridGate.of("not-a-bundled-grid").isEmpty());
    }

    @Test
    void aMisspelledGateKeyIsAnErrorThatNamesIt() {
        Object node = ConfigTree.parse("gate: {method: simclr, direction: {axis: method.head, bestFrist: [mlp, none], "
                + "source: x}}", "t").get("gate");
        ConfigException e = assertThrows(ConfigException.class, () -> GridGate.parse("g", node));
        assertTrue(e.getMessage().contains("bestFrist"), e.getMessage());
    }
}
