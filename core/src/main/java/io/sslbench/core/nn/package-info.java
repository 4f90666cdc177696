/**
 * Network building blocks for DL4J {@link org.deeplearning4j.nn.graph.ComputationGraph}s: ResNet encoders
 * ({@link io.sslbench.core.nn.Backbones}, {@link io.sslbench.core.nn.BackboneSpec}).
 *
 * <p>Encoders follow torchvision's {@code resnet.py} (v1.5 Bottleneck, bias-free convolutions, BN eps 1e-5 /
 * momentum 0.1, projection shortcuts when the shape changes, Kaiming-normal fan_out weights) with two stems:
 * ImageNet (7x7/2 + max-pool) and CIFAR (3x3/1, no max-pool). Width multipliers follow SimCLR ({@code resnet.py} of
 * google-research/simclr): every width, the stem included, is multiplied. {@code small} is a 3-stage, 16/32/64-wide,
 * one-block-per-stage ResNet for CPU runs; it is not from any paper.
 *
 * <p>Deviations from the reference implementations (each marked {@code // DEVIATION:} where it happens):
 * <ul>
 *   <li>{@code Backbones.bn}: DL4J updates BatchNorm running variance with the biased batch variance, PyTorch with
 *       the unbiased one (factor m/(m-1), m = N*H*W); only evaluation-mode outputs are affected, by at most 0.1%
 *       of the variance for m &ge; 1000.</li>
 * </ul>
 * The last BN of each residual block can start at gamma 0 ({@link io.sslbench.core.nn.ZeroInitResidual}: torchvision's
 * {@code zero_init_residual=True} and SimCLR's {@code init_zero=True} on every block, Haiku's {@code BlockV1} on
 * bottleneck blocks only); each method's config chooses its official code's setting.
 * Not a deviation: torchvision's fan_out Kaiming init is reproduced exactly by giving each convolution
 * {@code N(0, 2/(nOut*k*k))} (DL4J's {@code WeightInit.RELU} would use fan_in).
 *
 * <p>Benchmarks of a bare training step live in {@code io.sslbench.core.nn.bench}.
 */
package io.sslbench.core.nn;
