/**
 * The ND4J/DL4J runtime: start-up switches and provenance ({@link io.sslbench.core.runtime.Backend}).
 *
 * <p>On CPU, DL4J 1.0.0-M2.1 runs its oneDNN layer helpers only if {@code org.eclipse.deeplearning4j.helpers.disable}
 * is {@code false} when each layer is created and the {@code org.nd4j.nativeblas.Nd4jCpu} shim of this module lets
 * {@code BaseMKLDNNHelper} find the native oneDNN switch. Call {@link io.sslbench.core.runtime.Backend#init()} before
 * building networks and record {@link io.sslbench.core.runtime.Backend#describe()} in results. The helpers'
 * gradients agree with DL4J's built-in layers (relative L2 difference ~2e-6 in FLOAT, see {@code BackendTest}).
 *
 * <p>No deviations from reference implementations in this package.
 */
package io.sslbench.core.runtime;
