package io.sslbench.eval.run;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.OnlineNetwork;
import io.sslbench.core.engine.SslMethod;
import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.ZeroInitResidual;
import org.nd4j.linalg.api.buffer.DataType;
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
     * Official: SimSiam builder.py zero_init_residual=True and SimCLR resnet.py init_zero=True (every block); BYOL's
     * Haiku BlockV1 (bottleneck blocks only); MoCo builder.py and SwAV main_swav.py keep torchvision's default.
     */
    @ParameterizedTest
    @CsvSource({"simclr, ALL", "simclr-v2, ALL", "moco-v1, NONE", "moco-v2, NONE", "byol, BOTTLENECK", "simsiam, ALL",
            "swav, NONE"})
    void zeroInitResidualIsTheOfficialCodes(String id, ZeroInitResidual official) {
        assertEquals(official, bundled(id, Map.of()).zeroInitResidual(), "bundled config");
        assertEquals(official, bundled(id, Map.of("zeroInitResidual", "<default>")).zeroInitResidual(), "record default");
        String other = official == ZeroInitResidual.NONE ? "all" : "none";
        SslMethod flipped = bundled(id, Map.of("zeroInitResidual", other));
        assertEquals(ZeroInitResidual.parse(other), flipped.zeroInitResidual());
        assertTrue(flipped.deviations().stream().anyMatch(d -> d.startsWith("method.zeroInitResidual=" + other)),
                flipped.deviations().toString());
        assertThrows(io.sslbench.core.config.ConfigException.class, () -> bundled(id, Map.of("zeroInitResidual", "some")));
    }

    /** The network the pretraining command builds ({@link Pretrain}'s encoder factory) starts with the method's choice. */
    @ParameterizedTest
    @CsvSource({"simsiam, 0", "moco-v2, 1"})
    void theOnlineNetworkStartsWithTheMethodsGammas(String id, double gamma) {
        SslMethod m = bundled(id, Map.of());
        OnlineNetwork.Built net = OnlineNetwork.build(
                OnlineNetwork.EncoderFactory.of(BackboneSpec.parse("small-cifar"), m.zeroInitResidual()), m, 3, 16, 1,
                DataType.FLOAT);
        // exact: initial gammas are the constants 0 or 1 written by the initialiser, no arithmetic involved
        assertEquals(gamma, net.graph().getParam("enc_layer2_0_bn2_gamma").amaxNumber().doubleValue(), 0.0);
        assertEquals(1.0, net.graph().getParam("enc_layer2_0_bn1_gamma").amaxNumber().doubleValue(), 0.0);
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
                method.remove(k); // the bundled configs leave the record's defaults unstated (RunIdentityTest)
            } else {
                method.put(k, v);
            }
        });
        tree.put("method", method);
        return MethodProvider.forConfig(RunConfig.from(tree));
    }
}
