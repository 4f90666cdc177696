package io.sslbench.core.data;

import java.util.List;
import java.util.Objects;

/**
 * A labelled (or unlabelled) image data set held in memory as uint8 pixels.
 *
 * <p>Layout: image {@code i} occupies {@code pixels[i*H*W*C .. (i+1)*H*W*C)} in HWC order (row-major,
 * channels interleaved, as decoded from JPEG/PNG and as torchvision's PIL images are), values 0..255
 * stored as signed bytes (read with {@code & 0xFF}). Grayscale sets have C = 1.
 *
 * @param name       data set id and split, e.g. "cifar10/train"
 * @param height     image height H
 * @param width      image width W
 * @param channels   C (3 for RGB, 1 for grayscale)
 * @param pixels     N*H*W*C bytes, HWC per image
 * @param labels     N class indices in [0, classNames.size()), or -1 for unlabelled images
 * @param classNames class names in index order (empty for an unlabelled set)
 * @param sha256     hash identifying the source data (hex); goes into every result's provenance
 */
public record ImageDataset(String name, int height, int width, int channels, byte[] pixels, int[] labels,
                           List<String> classNames, String sha256) {
    public ImageDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        classNames = List.copyOf(classNames);
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(name + ": bad image geometry " + height + "x" + width + "x" + channels);
        }
        long per = (long) height * width * channels;
        if (pixels.length != per * labels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + per + " bytes");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < -1 || labels[i] >= Math.max(classNames.size(), 0) && labels[i] != -1) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " out of range [0," + classNames.size() + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    public int imageBytes() {
        return height * width * channels;
    }

    /** @return unsigned pixel value at (image, y, x, c) */
    public int pixel(int image, int y, int x, int c) {
        return pixels[(int) (((long) image * height + y) * width + x) * channels + c] & 0xFF;
    }

    /** @return a new data set with the images at {@code indices}, in that order (hash derived from ours) */
    public ImageDataset subset(int[] indices, String suffix) {
        int per = imageBytes();
        byte[] px = new byte[per * indices.length];
        int[] lb = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(pixels, indices[j] * per, px, j * per, per);
            lb[j] = labels[indices[j]];
        }
        String h = io.sslbench.core.util.Hashing.sha256Hex((sha256 + "|" + suffix + "|" + java.util.Arrays.hashCode(indices)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new ImageDataset(name + "[" + suffix + "]", height, width, channels, px, lb, classNames, h);
    }

    /**
     * A class-balanced subset of {@code n} images (n clipped to size): classes are visited round-robin,
     * each contributing its next image in index order, so the subset is deterministic, independent of
     * any seed (every method and seed sees the same images) and balanced even when the source is
     * ordered by class (as an image folder is). Unlabelled sets fall back to {@link #head}.
     */
    public ImageDataset balanced(int n) {
        if (numClasses() == 0 || n >= size()) {
            return head(n);
        }
        int c = numClasses();
        int[][] byClass = new int[c][];
        int[] counts = new int[c];
        for (int l : labels) {
            if (l >= 0) {
                counts[l]++;
            }
        }
        for (int k = 0; k < c; k++) {
            byClass[k] = new int[counts[k]];
        }
        int[] fill = new int[c];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                byClass[labels[i]][fill[labels[i]]++] = i;
            }
        }
        int[] out = new int[n];
        int m = 0;
        int[] next = new int[c];
        while (m < n) {
            boolean any = false;
            for (int k = 0; k < c && m < n; k++) {
                if (next[k] < byClass[k].length) {
                    out[m++] = byClass[k][next[k]++];
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return subset(java.util.Arrays.copyOf(out, m), "balanced" + m);
    }

    /** @return the first {@code n} images (n clipped to size) */
    public ImageDataset head(int n) {
        int m = Math.min(n, size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return subset(idx, "first" + m);
    }
}
