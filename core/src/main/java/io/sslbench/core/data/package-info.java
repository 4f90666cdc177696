/**
 * Data sets as in-memory HWC uint8 {@link io.sslbench.core.data.ImageDataset}s, stored in chunks of at most
 * 1 GiB so that sets beyond one Java array load whole (STL-10's 100,000 unlabelled images: 2.76 GB).
 *
 * <p>Readers: {@link io.sslbench.core.data.CifarBinaryReader} (CIFAR-10/100 official binary),
 * {@link io.sslbench.core.data.Stl10BinaryReader} (STL-10 binary, column-major channels converted to HWC),
 * {@link io.sslbench.core.data.IdxReader} (MNIST, Fashion-MNIST; plain or gzip),
 * {@link io.sslbench.core.data.ImageFolderReader} (a folder per class, or a flat unlabelled folder; JPEG/PNG)
 * with the on-disk {@link io.sslbench.core.data.DecodedCache}. Entry point by id:
 * {@link io.sslbench.core.data.Datasets#load(String, String, io.sslbench.core.data.DataRoot, boolean)};
 * tasks of {@code sslbench data}: {@link io.sslbench.core.data.DataTasks}. Downloads: {@code io.sslbench.core.data.download}.
 *
 * <p>Deviations from torchvision's loaders:
 * <ul>
 *   <li>DEVIATION: JPEGs are decoded by the JDK's ImageIO (libjpeg 6b based), not PIL/libjpeg-turbo; IDCT and
 *       chroma up-sampling may differ by a few grey levels on some pixels.</li>
 *   <li>DEVIATION: ImageFolder requires one image size for the whole folder (no resizing in the reader); a
 *       differently sized image is an error naming it.</li>
 *   <li>The CIFAR-10 JPEG copy ({@code cifar10-jpg}) is lossy: against the binary records its images differ by
 *       a mean absolute error of about 4-9 grey levels, so results on it are not results on CIFAR-10 binary;
 *       its {@code sha256} differs accordingly.</li>
 * </ul>
 */
package io.sslbench.core.data;
