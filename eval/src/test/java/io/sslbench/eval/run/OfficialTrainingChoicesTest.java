package io.sslbench.eval.run;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.SslMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each method's training choices that its official code makes, from its bundled CIFAR-10 config and from a config
 * that leaves them out (the record's default), and that a run setting them away from the official value reports it
 * among its deviations (issue 15).
 */
class OfficialTrainingChoicesTest {

    /** Official: SimCLR model_util.py and BYOL byol_experiment.py exclude; MoCo, SimSiam (SGD) and SwAV (LARC) do not. */
    @ParameterizedTest
    @CsvSource({"simclr, true", "simclr-v2, true", "moco-v1, false", "moco-v2, false", "byol, true", "simsiam, false",
            "swav, false"})
    void excludeBnBiasIsTheOfficialCodes(String id, boolean official) {
        assertEquals(official, bundled(id, Map.of()).excludeBnBias(), "bundled config");
        assertEquals(official, bundled(id, Map.of("excludeBnBias", "<default>")).excludeBnBias(), "record default");
        SslMethod flipped = bundled(id, Map.of("excludeBnBias", !official));
        assertEquals(!official, flipped.excludeBnBias());
        assertTrue(flipped.deviations().stream().anyMatch(d -> d.startsWith("method.excludeBnBias=" + !official)),
                flipped.deviations().toString());
        assertTrue(bundled(id, Map.of()).deviations().stream().noneMatch(d -> d.startsWith("method.excludeBnBias")));
    }

    /**
     * @param id    method id
     * @param edits method-section keys to set, or to remove (value {@code "<default>"})
     */
    static SslMethod bundled(String id, Map<String, Object> edits) {
        Map<String, Object> tree = new LinkedHashMap<>(ConfigTree.load(id + "-cifar10"));
        @SuppressWarnings("unchecked")
        Map<String, Object> method = new LinkedHashMap<>((Map<String, Object>) tree.get("method"));
        edits.forEach((k, v) -> {
            if ("<default>".equals(v)) {
                assertTrue(method.containsKey(k), id + " bundled config states " + k);
                method.remove(k);
            } else {
                method.put(k, v);
            }
        });
        tree.put("method", method);
        return MethodProvider.forConfig(RunConfig.from(tree));
    }
}
