/**
 * The pieces losses share, as pure functions over INDArrays: row-wise L2 normalisation with its backward
 * ({@link io.sslbench.core.loss.L2Normalize}), cosine similarities ({@link io.sslbench.core.loss.Cosine},
 * {@link io.sslbench.core.loss.CosineLogits}), the value-and-gradient result ({@link io.sslbench.core.loss.LossResult})
 * and the contrastive pretext accuracy ({@link io.sslbench.core.loss.PretextAccuracy}). Each method's loss lives in its
 * own module (NT-Xent, InfoNCE, BYOL's, SimSiam's, SwAV's swapped prediction), with its formula and shapes in its
 * javadoc, a naive reference test, a closed-form case and a finite-difference gradient check in DOUBLE.
 */
package io.sslbench.core.loss;
