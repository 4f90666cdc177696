package io.sslbench.core.runtime;

import io.sslbench.core.nn.BackboneSpec;
import io.sslbench.core.nn.Backbones;
import io.sslbench.core.nn.Encoder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BackendTest {
    /** The classifier the Maven build put on the class path (surefire passes it). */
    private static final String BUILD_CLASSIFIER = System.getProperty("sslbench.nd4j.classifier");

    @BeforeAll
    static void start() {
        Backend.init();
    }

    private static boolean onednnBuild() {
        return "nd4j-native".equals(System.getProperty("sslbench.nd4j.backend"))
                && BUILD_CLASSIFIER != null && BUILD_CLASSIFIER.contains("onednn");
    }

    @Test
    void initEnablesHelpersUnlessTheUserChoseOtherwise() {
        Properties fresh = new Properties();
        Backend.applyDefaults(fresh);
        assertEquals("false", fresh.getProperty(Backend.HELPERS_DISABLE_PROPERTY));
        Properties userOff = new Properties();
        userOff.setProperty(Backend.HELPERS_DISABLE_PROPERTY, "true");
        Backend.applyDefaults(userOff);
        assertEquals("true", userOff.getProperty(Backend.HELPERS_DISABLE_PROPERTY));
        String before = System.getProperty(Backend.HELPERS_DISABLE_PROPERTY);
        Backend.init();
        Backend.init();
        assertEquals(before, System.getProperty(Backend.HELPERS_DISABLE_PROPERTY));
    }

    @Test
    void describeNamesTheLoadedBuild() {
        String d = Backend.describe();
        System.out.println("Backend.describe(): " + d);
        assertNotNull(BUILD_CLASSIFIER, "surefire passes sslbench.nd4j.classifier");
        String version = System.getProperty("sslbench.dl4j.version");
        assertTrue(d.contains(" nd4j=" + version + " ") && d.contains(" dl4j=" + version + " "), d);
        assertTrue(d.matches(".* threads=[0-9]+ blas=\\S+"), d);
        if ("nd4j-native".equals(System.getProperty("sslbench.nd4j.backend"))) {
            assertEquals(BUILD_CLASSIFIER, Backend.classifier());
            assertTrue(d.startsWith("CPU " + BUILD_CLASSIFIER + " helpers="), d);
        }
        if (onednnBuild()) {
            assertTrue(d.contains(" helpers=on "), d);
        }
    }

    @Test
    void helpersAreActiveOnABackboneAndCanBeSwitchedOff() {
        assumeTrue(onednnBuild(), "oneDNN helpers need an nd4j-native onednn build; this is " + BUILD_CLASSIFIER);
        assertTrue(Backend.helpersEnabled());
        ComputationGraph g = Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 1, 16);
        assertTrue(Backend.helpersActive(g), () -> Backend.helpers(g).toString());
        Map<String, String> h = Backend.helpers(g);
        assertEquals(18, h.size()); // small-cifar: 9 conv (stem, 2 per block, 2 projections) + 9 BN
        assertEquals("MKLDNNConvHelper", h.get("layer2_0_conv1"));
        assertEquals("BnKernels", h.get("layer2_0_down_bn")); // FastBatchNormalizationLayer

        String before = System.getProperty(Backend.HELPERS_DISABLE_PROPERTY);
        ComputationGraph ref = Backend.withoutHelpers(() -> Backbones.encoderGraph(BackboneSpec.parse("small-cifar"), 1, 16));
        assertEquals(before, System.getProperty(Backend.HELPERS_DISABLE_PROPERTY));
        assertFalse(Backend.helpersActive(ref));
        assertTrue(Backend.helpers(ref).values().stream().allMatch(v -> v == null), () -> Backend.helpers(ref).toString());
    }

    private static ComputationGraph withHead(BackboneSpec spec, int size) {
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                // DL4J-NOTES: the built-in BN's backprop threw with training workspaces ENABLED on the external-errors
                // route; computeGradientAndScore passed with ENABLED here too, but NONE keeps the reference path simple
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(size, size, spec.inputChannels()));
        Encoder e = Backbones.addEncoder(g, "in", spec, "");
        g.addLayer("head", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .nOut(5).build(), e.output()).setOutputs("head");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /**
     * The oneDNN conv/BN/pool helpers and DL4J's built-in layers compute the same loss and gradients (FLOAT) for
     * the same parameters and batch. Metric per parameter array: ||g_helper - g_builtin||_2 / ||g_builtin||_2.
     */
    @Test
    void helperGradientsMatchTheBuiltInLayers() {
        assumeTrue(onednnBuild(), "oneDNN helpers need an nd4j-native onednn build; this is " + BUILD_CLASSIFIER);
        Object[][] cases = {{"small-cifar", 16, 8}, {"small-imagenet", 32, 4}};
        for (Object[] c : cases) {
            BackboneSpec spec = BackboneSpec.parse((String) c[0]);
            int size = (Integer) c[1], n = (Integer) c[2];
            ComputationGraph fast = withHead(spec, size);
            ComputationGraph ref = Backend.withoutHelpers(() -> withHead(spec, size));
            assertTrue(Backend.helpersActive(fast));
            assertFalse(Backend.helpersActive(ref));
            ref.setParams(fast.params().dup());

            Nd4j.getRandom().setSeed(7);
            INDArray x = Nd4j.randn(DataType.FLOAT, n, spec.inputChannels(), size, size);
            INDArray y = Nd4j.randn(DataType.FLOAT, n, 5);
            Map<String, INDArray> gf = gradients(fast, x, y);
            Map<String, INDArray> gr = gradients(ref, x, y);
            assertEquals(gr.keySet(), gf.keySet());
            double worst = 0;
            String worstName = "";
            for (Map.Entry<String, INDArray> e : gr.entrySet()) {
                INDArray a = gf.get(e.getKey()), b = e.getValue();
                double norm = b.norm2Number().doubleValue();
                assertTrue(norm > 0, e.getKey() + " has a zero gradient");
                double rel = a.sub(b).norm2Number().doubleValue() / norm;
                if (rel > worst) {
                    worst = rel;
                    worstName = e.getKey();
                }
            }
            double scoreRel = Math.abs(fast.score() - ref.score()) / Math.abs(ref.score());
            System.out.printf("helper vs built-in gradients, %s %dpx batch %d: %d arrays, worst relative L2 difference "
                    + "%.3g (%s), score relative difference %.3g%n", spec.id(), size, n, gr.size(), worst, worstName, scoreRel);
            assertTrue(scoreRel < 1e-5, spec.id() + " score " + fast.score() + " vs " + ref.score());
            assertTrue(worst < 1e-3, spec.id() + " worst relative gradient difference " + worst + " at " + worstName);
        }
    }

    private static Map<String, INDArray> gradients(ComputationGraph g, INDArray x, INDArray y) {
        g.setInputs(x);
        g.setLabels(y);
        g.computeGradientAndScore();
        Map<String, INDArray> out = new java.util.TreeMap<>();
        g.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}
