package io.sslbench.core.aug;

import io.sslbench.core.data.ImageDataset;

import java.util.Arrays;

/**
 * A mutable image of floats in [0,1], HWC layout: pixel (y, x, c) is {@code data[(y*width + x)*channels + c]}.
 *
 * <p>This is the working representation of every augmentation: torchvision applies its ops to PIL
 * images in uint8 and re-quantises after each op; we keep floats from the decoded uint8 pixels
 * ({@code v/255}) to the final normalisation (see the package DEVIATION list).
 *
 * <p>In-place ops (flip, colour ops, blur, solarise) overwrite {@link #data}; geometric ops (crop,
 * resize) return a new image. An instance is not thread-safe; each worker owns the images it writes.
 */
public final class FloatImage {
    private final int height;
    private final int width;
    private final int channels;
    private final float[] data;

    /**
     * Wraps {@code data} (not copied).
     *
     * @param height   H > 0
     * @param width    W > 0
     * @param channels C, 1 or 3
     * @param data     H*W*C floats, HWC
     */
    public FloatImage(int height, int width, int channels, float[] data) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (data.length != height * width * channels) {
            throw new IllegalArgumentException("data has " + data.length + " floats, expected H*W*C = "
                    + height + "*" + width + "*" + channels);
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.data = data;
    }

    /** @return a zero image of the given geometry */
    public static FloatImage zeros(int height, int width, int channels) {
        return new FloatImage(height, width, channels, new float[height * width * channels]);
    }

    /**
     * Decodes image {@code index} of a data set: {@code out[y,x,c] = (pixel & 0xFF) / 255}.
     *
     * @param ds    source (HWC uint8)
     * @param index image index in [0, ds.size())
     * @return a new H x W x C float image
     */
    public static FloatImage fromDataset(ImageDataset ds, int index) {
        if (index < 0 || index >= ds.size()) {
            throw new IndexOutOfBoundsException("image " + index + " outside data set " + ds.name()
                    + " of " + ds.size() + " images");
        }
        return fromBytes(ds.chunk(ds.chunkIndex(index)), ds.chunkOffset(index), ds.height(), ds.width(),
                ds.channels());
    }

    /**
     * @param bytes  uint8 HWC pixels (read with {@code & 0xFF})
     * @param offset index of the first byte of the image
     * @return a new float image with {@code v/255} per sample
     */
    public static FloatImage fromBytes(byte[] bytes, int offset, int height, int width, int channels) {
        int n = height * width * channels;
        if (offset < 0 || offset + n > bytes.length) {
            throw new IllegalArgumentException("image of " + n + " bytes at offset " + offset
                    + " overruns a buffer of " + bytes.length);
        }
        float[] d = new float[n];
        for (int k = 0; k < n; k++) {
            d[k] = (bytes[offset + k] & 0xFF) * (1f / 255f);
        }
        return new FloatImage(height, width, channels, d);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    /** @return the backing HWC array (live, not a copy) */
    public float[] data() {
        return data;
    }

    /** @return sample (y, x, c) */
    public float get(int y, int x, int c) {
        return data[(y * width + x) * channels + c];
    }

    /** @return a deep copy */
    public FloatImage copy() {
        return new FloatImage(height, width, channels, data.clone());
    }

    @Override
    public String toString() {
        return "FloatImage[" + height + "x" + width + "x" + channels + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage f && f.height == height && f.width == width && f.channels == channels
                && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * height + width) + channels) + Arrays.hashCode(data);
    }
}
