package io.sslbench.core.runtime;

/** A layer that runs its own kernels instead of (or besides) a DL4J helper, and names them for reports. */
public interface KernelInfo {
    /** @return the name of the implementation this layer runs now, or {@code null} for DL4J's built-in code */
    String kernels();
}
