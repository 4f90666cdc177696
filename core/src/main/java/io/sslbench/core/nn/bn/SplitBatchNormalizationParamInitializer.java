package io.sslbench.core.nn.bn;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of {@link SplitBatchNormalization}, four vectors of length {@code C} laid out in the
 * flattened parameter view as {@code [gamma | beta | rmean | rvar]}:
 * <ul>
 *   <li>{@value #GAMMA}: scale, trainable, initialised to the layer's {@code gammaInit} (1);</li>
 *   <li>{@value #BETA}: shift, trainable, initialised to {@code betaInit} (0);</li>
 *   <li>{@value #RUNNING_MEAN}: running mean, initialised to 0, updated in the training forward pass;</li>
 *   <li>{@value #RUNNING_VAR}: running (unbiased) variance, initialised to 1, likewise.</li>
 * </ul>
 * The running statistics are parameters only so that they are saved with the network; their
 * gradient is always zero and their updater is {@code NoOp}.
 */
public final class SplitBatchNormalizationParamInitializer implements ParamInitializer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String RUNNING_MEAN = "rmean";
    public static final String RUNNING_VAR = "rvar";

    private static final List<String> KEYS = List.of(GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR);
    private static final SplitBatchNormalizationParamInitializer INSTANCE = new SplitBatchNormalizationParamInitializer();

    private SplitBatchNormalizationParamInitializer() {}

    /** @return the shared instance */
    public static SplitBatchNormalizationParamInitializer getInstance() {
        return INSTANCE;
    }

    /** @return whether {@code key} names a running statistic (zero gradient, never optimised) */
    public static boolean isRunningStat(String key) {
        return RUNNING_MEAN.equals(key) || RUNNING_VAR.equals(key);
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    /** @return {@code 4 * C} */
    @Override
    public long numParams(Layer layer) {
        return 4 * layerConf(layer).getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    /** @return {@code [gamma]}: regularised and updated like a weight */
    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(GAMMA);
    }

    /** @return {@code [beta]}: regularised and updated like a bias */
    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BETA);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return GAMMA.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BETA.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramView, boolean initializeParams) {
        SplitBatchNormalization layer = layerConf(conf.getLayer());
        Map<String, INDArray> views = split(layer, paramView);
        if (initializeParams) {
            views.get(GAMMA).assign(layer.getGammaInit());
            views.get(BETA).assign(layer.getBetaInit());
            views.get(RUNNING_MEAN).assign(0);
            views.get(RUNNING_VAR).assign(1);
        }
        for (String k : KEYS) {
            conf.addVariable(k);
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split(layerConf(conf.getLayer()), gradientView);
    }

    private static Map<String, INDArray> split(SplitBatchNormalization layer, INDArray view) {
        long c = layer.getNOut();
        if (view.length() != 4 * c) {
            throw new IllegalArgumentException("layer '" + layer.getLayerName() + "': parameter view has "
                    + view.length() + " entries, expected 4 * nOut = " + 4 * c);
        }
        INDArray flat = view.reshape(view.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) {
            out.put(KEYS.get(i), flat.get(NDArrayIndex.interval(i * c, (i + 1) * c)));
        }
        return out;
    }

    private static SplitBatchNormalization layerConf(Layer layer) {
        if (!(layer instanceof SplitBatchNormalization s)) {
            throw new IllegalArgumentException("SplitBatchNormalizationParamInitializer got a "
                    + (layer == null ? "null" : layer.getClass().getName()) + " configuration");
        }
        return s;
    }
}
