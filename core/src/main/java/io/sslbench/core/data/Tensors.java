package io.sslbench.core.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversions from {@link ImageDataset} pixels to network input tensors (no augmentation). */
public final class Tensors {
    private Tensors() {}

    /**
     * Normalised NCHW float batch of the given images: {@code out[n,c,y,x] = (px/255 - mean[c]) / std[c]}.
     *
     * @param ds      source images (HWC uint8)
     * @param indices which images, in batch order
     * @param mean    per-channel mean in [0,1] units (length C)
     * @param std     per-channel std in [0,1] units (length C)
     * @return float tensor of shape [indices.length, C, H, W]
     */
    public static INDArray toNchw(ImageDataset ds, int[] indices, float[] mean, float[] std) {
        int c = ds.channels(), h = ds.height(), w = ds.width();
        if (mean.length != c || std.length != c) {
            throw new IllegalArgumentException("normalisation has " + mean.length + "/" + std.length
                    + " channels, data set " + ds.name() + " has " + c);
        }
        float[] out = new float[indices.length * c * h * w];
        int per = h * w * c;
        float[] scale = new float[c], shift = new float[c];
        for (int k = 0; k < c; k++) {
            scale[k] = 1f / (255f * std[k]);
            shift[k] = -mean[k] / std[k];
        }
        for (int n = 0; n < indices.length; n++) {
            byte[] px = ds.chunk(ds.chunkIndex(indices[n]));
            int src = ds.chunkOffset(indices[n]);
            int dst = n * per;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int s = src + (y * w + x) * c;
                    for (int k = 0; k < c; k++) {
                        out[dst + (k * h + y) * w + x] = (px[s + k] & 0xFF) * scale[k] + shift[k];
                    }
                }
            }
        }
        return Nd4j.create(out, new long[]{indices.length, c, h, w}, 'c');
    }
}
