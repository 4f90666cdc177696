package io.sslbench.core.aug;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Objects;

/**
 * One training batch of augmented views.
 *
 * @param views   one float NCHW tensor per view pipeline, shape [B, C, S_v, S_v] (S_v the view's side)
 * @param labels  class index of each row (-1 for unlabelled images), length B
 * @param indices data-set index of each row, length B (row r of every view comes from image indices[r])
 */
public record ViewBatch(INDArray[] views, int[] labels, int[] indices) {
    public ViewBatch {
        Objects.requireNonNull(views, "views");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(indices, "indices");
        if (labels.length != indices.length) {
            throw new IllegalArgumentException("ViewBatch has " + labels.length + " labels for " + indices.length
                    + " indices");
        }
        for (int v = 0; v < views.length; v++) {
            if (views[v].rank() != 4 || views[v].size(0) != indices.length) {
                throw new IllegalArgumentException("ViewBatch view " + v + " has shape "
                        + Arrays.toString(views[v].shape()) + ", expected [" + indices.length + ",C,S,S]");
            }
        }
    }

    /** @return B, the number of images */
    public int size() {
        return indices.length;
    }

    /** @return the tensor of view {@code v}, [B, C, S_v, S_v] */
    public INDArray view(int v) {
        return views[v];
    }
}
