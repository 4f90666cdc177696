/**
 * Image augmentations with torchvision's semantics, per-paper view pipelines, and the multi-view loader.
 *
 * <ul>
 *   <li>{@link io.sslbench.core.aug.Functional}: deterministic ops on float [0,1] HWC images
 *       ({@link io.sslbench.core.aug.FloatImage}); each random op ({@link io.sslbench.core.aug.AugOp}) is a
 *       parameter sampler plus one of these functional forms.</li>
 *   <li>{@link io.sslbench.core.aug.ViewPipeline}: ops + output side + normalisation, producing CHW floats;
 *       {@link io.sslbench.core.aug.Presets}: every paper's views at CIFAR and ImageNet sizes.</li>
 *   <li>{@link io.sslbench.core.aug.ViewSeeds}: views of image i in epoch e are a pure function of
 *       (seed, e, i, view); {@link io.sslbench.core.aug.MultiViewLoader}: prefetching NCHW batches.</li>
 * </ul>
 *
 * <p>Deviations from torchvision / the official code (each marked {@code // DEVIATION:} where it happens):
 * <ol>
 *   <li>Float pipeline: torchvision works on uint8 PIL images and re-quantises after every op (and PIL's
 *       hue shift works on 8-bit hue, its contrast uses the grey mean rounded to an integer, its resize
 *       uses 22-bit fixed-point coefficients and rounds between the two passes). We convert to float once
 *       and follow the real-valued definitions (torchvision's tensor ops); differences are a few 1/255 per
 *       pixel ({@link io.sslbench.core.aug.Functional}).</li>
 *   <li>Resampling is PIL's antialiased bilinear (triangle filter widened by the downscale factor) for
 *       every preset; solo-learn uses bicubic ({@link io.sslbench.core.aug.Presets}).</li>
 *   <li>Gaussian blur is torchvision's exact separable Gaussian with reflect padding; MoCo v2, SimSiam,
 *       BYOL ports and solo-learn use PIL's {@code ImageFilter.GaussianBlur(radius=sigma)}, SwAV uses
 *       {@code cv2.GaussianBlur((23,23), sigma)}, SimCLR's TF code zero-pads
 *       ({@link io.sslbench.core.aug.GaussianBlur}). Reflect padding keeps reflecting when the kernel is
 *       wider than the image, where torch raises ({@link io.sslbench.core.aug.Functional#gaussianBlur}).</li>
 *   <li>SimCLR's random crop uses torchvision's 10 attempts and centre fallback instead of TF's
 *       {@code distorted_bounding_box_crop} with 100 attempts ({@link io.sslbench.core.aug.Presets#simclr}).</li>
 *   <li>SwAV's normalisation std 0.228 (typo in the official code) is 0.229 here
 *       ({@link io.sslbench.core.aug.Presets#swav(io.sslbench.core.aug.Presets.Target, int)}).</li>
 *   <li>CenterCrop rejects images smaller than the crop instead of padding
 *       ({@link io.sslbench.core.aug.CenterCrop}).</li>
 *   <li>Random numbers come from {@link java.util.SplittableRandom} streams per (seed, epoch, image, view),
 *       not torch's global generator: distributions match, individual draws do not.</li>
 * </ol>
 */
package io.sslbench.core.aug;
