package io.sslbench.eval.run;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RecordTrees;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.RunIdentity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 19: a run's identity is its bound config (every default resolved), not the YAML it was written as. */
class RunIdentityTest {
    private static RunConfig cfg(String bundled, String... sets) {
        return RunConfig.from(ConfigTree.override(ConfigTree.load(bundled), List.of(sets)));
    }

    @Test
    void aDefaultWrittenOutKeepsTheHashAndAChangedValueChangesIt() {
        for (String id : MethodProvider.available()) {
            String bundled = id + "-cifar10";
            @SuppressWarnings("unchecked")
            Map<String, Object> method = (Map<String, Object>) RunIdentity.tree(cfg(bundled)).get("method");
            assertEquals(id, method.get("name"));
            assertTrue(method.containsKey("excludeBnBias") && method.containsKey("zeroInitResidual"),
                    id + ": every field of the bound record, defaults included: " + method);
            // each field written out with its bound value: the same run
            List<String> explicit = method.entrySet().stream().map(e -> "method." + e.getKey() + "=" + e.getValue())
                    .toList();
            assertEquals(RunIdentity.hash(cfg(bundled)), RunIdentity.hash(cfg(bundled, explicit.toArray(String[]::new))),
                    id);
            assertEquals(RunIdentity.hash(cfg(bundled)), RunIdentity.hash(cfg(bundled, "data.root=/x", "data.workers=9",
                    "data.download=false", "engine.quiet=true")), id + ": keys that do not change results");
            assertNotEquals(RunIdentity.hash(cfg(bundled)), RunIdentity.hash(cfg(bundled, "method.excludeBnBias="
                    + !(Boolean) method.get("excludeBnBias"))), id);
        }
    }

    @Test
    void theWrittenIdentityBindsBackToTheSameRun() {
        for (String id : MethodProvider.available()) {
            RunConfig c = cfg(id + "-cifar10", "epochs=2", "batchSize=64");
            RunConfig back = RunConfig.from(ConfigTree.parse(ConfigTree.toYaml(RunIdentity.tree(c)), "config.yaml"));
            assertEquals(RunIdentity.hash(c), RunIdentity.hash(back), id + ": a run folder's config.yaml resumes its run");
        }
    }

    /** Issue 19: a method's paper defaults live in its config record; a bundled config states only what differs. */
    @Test
    void bundledConfigsRestateNoDefaultOfTheMethodsConfigRecord() {
        for (String id : MethodProvider.available()) {
            RunConfig bare = RunConfig.from(Map.of("method", Map.of("name", id), "batchSize", 256));
            Map<String, Object> defaults = RecordTrees.toTree(MethodProvider.forConfig(bare).config());
            @SuppressWarnings("unchecked")
            Map<String, Object> written = (Map<String, Object>) ConfigTree.load(id + "-cifar10").get("method");
            written.forEach((k, v) -> assertTrue(k.equals("name") || !ConfigTree.canonical(v).equals(
                    ConfigTree.canonical(defaults.get(k))), id + "-cifar10 restates the default method." + k + " = " + v));
        }
    }
}
