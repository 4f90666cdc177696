package org.nd4j.nativeblas;

/**
 * Compatibility shim that switches DL4J's oneDNN layer helpers on in 1.0.0-M2.1.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} reflects on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance().isUseMKLDNN()}. In M2.1 the class
 * moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method was
 * renamed {@code isUseONEDNN}, so the lookup fails and the helpers silently stay off (3.6 instead of
 * 13.6 img/s on a CIFAR ResNet-18). This class restores the old name and forwards to the new one by
 * reflection, so it also loads (and answers {@code false}) on backends without the new class.
 * {@code io.sslbench.core.runtime.Backend} verifies at start-up that the helpers really engage.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** Forwarding stand-in for the pre-M2.1 {@code Nd4jCpu.Environment}. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final String NEW_CLASS =
                "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** @return whether the native library was built with oneDNN and has it enabled */
        public boolean isUseMKLDNN() {
            try {
                Class<?> c = Class.forName(NEW_CLASS);
                Object env = c.getMethod("getInstance").invoke(null);
                return (Boolean) c.getMethod("isUseONEDNN").invoke(env);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
