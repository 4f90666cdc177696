package io.sslbench.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RunConfigTest {
    static final String BASE = """
            method: {name: simclr, temperature: 0.5}
            seed: 3
            epochs: 2
            batchSize: 64
            backbone: small-cifar
            optim: {name: sgd, lr: 0.1}
            """;

    static RunConfig cfg(String... sets) {
        return RunConfig.from(ConfigTree.override(ConfigTree.parse(BASE, "test"), List.of(sets)));
    }

    static void rejects(String key, String... sets) {
        ConfigException e = assertThrows(ConfigException.class, () -> cfg(sets));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void clearErrorsForUnparsableNonFiniteAndEmptyInput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        // issue 16 item 9
        ConfigException bad = assertThrows(ConfigException.class, () -> cfg("epochs=["));
        assertEquals("epochs", bad.key(), bad.getMessage());
        assertTrue(bad.getMessage().contains("'['"), bad.getMessage());
        rejects("optim.warmupEpochs", "optim.warmupEpochs=.inf");
        rejects("optim.lr", "optim.lr=.nan");
        ConfigException inf = assertThrows(ConfigException.class, () -> cfg("optim.warmupEpochs=.inf"));
        assertTrue(inf.getMessage().contains("finite"), inf.getMessage());
        java.nio.file.Path empty = java.nio.file.Files.writeString(tmp.resolve("empty.yaml"), "# nothing\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigTree.load(empty.toString()));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void invalidValuesNameTheKeyAndTheAllowedRange() {
        rejects("optim.lr", "optim.lr=-0.1");
        rejects("method.name", "method.name=' '"); // an unregistered id: MethodProvider.forConfig (eval's MethodDiscoveryTest)
        rejects("optim.momentum", "optim.momentum=1.5");
        rejects("epochs", "epochs=0");
        rejects("data.subset", "data.subset=-1");
        rejects("optim.name", "optim.name=rmsprop");
        rejects("optim.tpyo", "optim.tpyo=1");
        rejects("batchSize", "batchSize=abc");
        ConfigException e = assertThrows(ConfigException.class, () -> cfg("optim.lr=-0.1"));
        assertTrue(e.getMessage().contains("> 0"), e.getMessage());
    }

    @Test
    void overridesParseYamlScalarsAndNestedKeys() {
        RunConfig c = cfg("epochs=5", "data.subset=512", "optim.nesterov=true", "method.temperature=0.2");
        assertEquals(5, c.epochs());
        assertEquals(512, c.data().subset());
        assertTrue(c.optim().nesterov());
        assertEquals(0.2, ((Number) c.method().get("temperature")).doubleValue());
        assertEquals("cifar10", c.data().dataset(), "unset keys take the defaults");
    }

    @Test
    void hashIdentifiesResultsNotPresentation() {
        assertEquals(hash(cfg()), hash(cfg("engine.quiet=true", "engine.stopAfterSteps=3", "data.root=/elsewhere",
                "data.workers=7", "data.download=false")), "keys that do not change results are not in the identity");
        assertNotEquals(hash(cfg()), hash(cfg("seed=4")));
        assertNotEquals(hash(cfg()), hash(cfg("method.temperature=0.2")));
        assertEquals(16, hash(cfg()).length());
        // canonical form: key order does not matter
        Map<String, Object> a = ConfigTree.parse("{x: 1, y: {b: 2.0, a: true}}", "a");
        Map<String, Object> b = ConfigTree.parse("{y: {a: true, b: 2}, x: 1}", "b");
        assertEquals(ConfigTree.hash(a), ConfigTree.hash(b));
    }

    /** Core registers no method: the identity of its configs keeps the method section as given. */
    private static String hash(RunConfig c) {
        return io.sslbench.core.engine.RunIdentity.hash(c);
    }

    @Test
    void bundledConfigsLoadAndUnknownNamesFail() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigTree.load("no-such-config"));
        assertTrue(e.getMessage().contains("no-such-config"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigTree.parse("- a\n- b", "list"));
    }

    /** The step schedule's milestones: increasing fractions in (0, 1), not with the cosine. */
    @Test
    void lrStepsAreValidatedAndPartOfTheIdentity() {
        assertEquals(List.of(0.6, 0.8), cfg("optim.cosine=false", "optim.lrSteps=[0.6, 0.8]").optim().lrSteps());
        assertEquals(List.of(), cfg().optim().lrSteps());
        rejects("optim.lrSteps", "optim.lrSteps=[0.6]");                         // cosine is on by default
        rejects("optim.lrSteps", "optim.cosine=false", "optim.lrSteps=[0.8, 0.6]");
        rejects("optim.lrSteps", "optim.cosine=false", "optim.lrSteps=[0.6, 1.0]");
        rejects("optim.lrSteps", "optim.cosine=false", "optim.lrSteps=[0]");
        rejects("optim.lrSteps", "optim.cosine=false", "optim.lrSteps=[x]");
        assertEquals(hash(cfg()), hash(cfg("optim.lrSteps=[]")), "the default written out is the default");
        assertNotEquals(hash(cfg("optim.cosine=false")), hash(cfg("optim.cosine=false", "optim.lrSteps=[0.5]")));
        assertTrue(((Map<?, ?>) cfg("optim.cosine=false", "optim.lrSteps=[0.5]").identityTree().get("optim"))
                .containsKey("lrSteps"));
    }

    /** optim.excludeBnBias moved to the method section; a run folder's old config.yaml still binds. */
    @Test
    void theMovedExcludeBnBiasKeyGoesToTheMethodSection() {
        RunConfig old = cfg("optim.excludeBnBias=false");
        assertEquals(false, old.method().get("excludeBnBias"));
        assertFalse(((java.util.Map<?, ?>) old.identityTree().get("optim")).containsKey("excludeBnBias"));
        assertEquals(true, cfg("method.excludeBnBias=true").method().get("excludeBnBias"));
        rejects("optim.excludeBnBias", "optim.excludeBnBias=false", "method.excludeBnBias=true");
    }
}
