package io.sslbench.core.runtime;

import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.config.DL4JClassLoading;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Start-up and provenance of the ND4J/DL4J backend.
 *
 * <p>DL4J 1.0.0-M2.1 only uses its oneDNN layer helpers (conv, BN, pooling: about 4x faster on a CIFAR ResNet-18)
 * when (1) the system property {@value #HELPERS_DISABLE_PROPERTY} is {@code false} (its default is {@code true})
 * at the moment each layer is created, and (2) {@code BaseMKLDNNHelper.mklDnnEnabled()} finds
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, which this module provides as a shim. {@link #init()} takes care
 * of (1); {@link #helpersActive(ComputationGraph)} checks that both worked on a given graph.
 */
public final class Backend {
    /** DL4J's switch: layer helpers are created only when this is {@code false}. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static final String CUDNN_CONV_HELPER = "org.deeplearning4j.cuda.convolution.CudnnConvolutionHelper";
    private static boolean started;

    private Backend() {}

    /**
     * Idempotent start-up; call before any layer is created. Sets {@value #HELPERS_DISABLE_PROPERTY} to
     * {@code false} unless the user set it (so {@code -D...disable=true} still turns the helpers off). Does not load
     * the native library.
     */
    public static synchronized void init() {
        if (started) {
            return;
        }
        applyDefaults(System.getProperties());
        started = true;
    }

    /** Sets {@value #HELPERS_DISABLE_PROPERTY} to {@code false} in {@code props} unless it is already set. */
    static void applyDefaults(Properties props) {
        if (props.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            props.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
    }

    /**
     * One line for provenance, e.g.
     * {@code CPU linux-x86_64-onednn-avx2 helpers=on nd4j=1.0.0-M2.1 dl4j=1.0.0-M2.1 threads=2 blas=OPENBLAS}.
     * Calls {@link #init()} and loads the backend.
     *
     * @return backend name, native classifier, helper state, versions, threads and BLAS vendor
     */
    public static String describe() {
        init();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        return backendName() + " " + classifier() + " helpers=" + (helpersEnabled() ? "on" : "off")
                + " nd4j=" + mavenVersion("org.nd4j", "nd4j-api")
                + " dl4j=" + mavenVersion("org.deeplearning4j", "deeplearning4j-nn")
                + " threads=" + env.getOrDefault("omp.threads", "?")
                + " blas=" + env.getOrDefault("blas.vendor", "?");
    }

    /** @return the ND4J backend, {@code CPU} or {@code CUDA} (loads it) */
    public static String backendName() {
        return Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "unknown");
    }

    /**
     * The classifier of the native ND4J build actually loaded, read from the directory JavaCPP loaded
     * {@code libjnind4j*} from (e.g. {@code .../linux-x86_64-onednn-avx2/libjnind4jcpu.so}). Several classifier jars
     * may be on the class path; JavaCPP picks the first that loads.
     *
     * @return e.g. {@code linux-x86_64-onednn-avx2}, or {@code <platform>-unknown} if it cannot be told
     */
    public static String classifier() {
        Nd4j.getBackend(); // loads the native library
        for (Map.Entry<String, String> lib : Loader.getLoadedLibraries().entrySet()) {
            if (lib.getKey().startsWith("jnind4j") && lib.getValue() != null) {
                Path parent = Paths.get(lib.getValue()).getParent();
                if (parent != null && parent.getFileName().toString().startsWith(Loader.getPlatform())) {
                    return parent.getFileName().toString();
                }
            }
        }
        return Loader.getPlatform() + "-unknown";
    }

    /**
     * Whether layers created now would get helpers: the property allows them and the backend offers them (CPU: a
     * oneDNN build whose switch the {@code Nd4jCpu} shim can reach; CUDA: the cuDNN helper classes on the class path).
     *
     * @return whether helpers are enabled for new layers
     */
    public static boolean helpersEnabled() {
        if (Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE_PROPERTY, "true"))) {
            return false;
        }
        if ("CUDA".equalsIgnoreCase(backendName())) {
            return DL4JClassLoading.loadClassByName(CUDNN_CONV_HELPER) != null;
        }
        return BaseMKLDNNHelper.mklDnnEnabled();
    }

    /**
     * The helper of every convolution and BatchNorm layer of {@code g}, by layer name, through the layers'
     * {@code getHelper()} (their {@code helper} field), or the layer's own {@link KernelInfo#kernels()}: e.g.
     * {@code MKLDNNConvHelper}, {@code BnKernels}, or {@code null} where DL4J's built-in implementation runs.
     *
     * @param g an initialised graph
     * @return layer name to helper class simple name (null when none), in graph order
     */
    public static Map<String, String> helpers(ComputationGraph g) {
        Objects.requireNonNull(g, "graph");
        Map<String, String> out = new LinkedHashMap<>();
        for (Layer layer : g.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf instanceof ConvolutionLayer || conf instanceof BatchNormalization) {
                LayerHelper h = layer.getHelper();
                out.put(conf.getLayerName(), layer instanceof KernelInfo k ? k.kernels()
                        : h == null ? null : h.getClass().getSimpleName());
            }
        }
        return out;
    }

    /**
     * @param g an initialised graph
     * @return true when {@code g} has at least one convolution/BatchNorm layer and every one of them has a helper
     *         (oneDNN on CPU, cuDNN on CUDA)
     */
    public static boolean helpersActive(ComputationGraph g) {
        Map<String, String> h = helpers(g);
        boolean active = !h.isEmpty() && !h.containsValue(null);
        if (!active && helpersEnabled()) {
            LOG.warn("helpers are enabled but missing on layers {}", h.entrySet().stream()
                    .filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList());
        }
        return active;
    }

    /**
     * Runs {@code build} with helper creation switched off, so that the layers it creates use DL4J's built-in
     * implementations (reference computations, e.g. to check the helpers' gradients). Restores the property
     * afterwards. Not safe while other threads create layers.
     *
     * @param build creates (and initialises) a network
     * @param <T>   its type
     * @return what {@code build} returned
     */
    public static synchronized <T> T withoutHelpers(Supplier<T> build) {
        init();
        String before = System.getProperty(HELPERS_DISABLE_PROPERTY);
        System.setProperty(HELPERS_DISABLE_PROPERTY, "true");
        try {
            return build.get();
        } finally {
            if (before == null) {
                System.clearProperty(HELPERS_DISABLE_PROPERTY);
            } else {
                System.setProperty(HELPERS_DISABLE_PROPERTY, before);
            }
        }
    }

    private static String mavenVersion(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Backend.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
