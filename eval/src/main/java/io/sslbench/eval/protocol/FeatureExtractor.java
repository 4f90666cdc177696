package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.Tensors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;

/** Frozen-encoder feature extraction for the kNN monitor and the linear probe. */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    /** How features are computed; evaluation results quote it so readers know what was measured. */
    public static final String PROTOCOL = "features: frozen encoder in inference mode (BN running statistics, "
            + "no dropout), no augmentation (full image, normalised with the data set's mean/std)";

    /**
     * Features of every image of {@code ds}, in data set order, from the encoder's single output.
     *
     * <p>Inference mode ({@code output(false, x)}): BN uses its running statistics and does not update them.
     * No augmentation: each image is only scaled to [0,1] and normalised, {@code (px/255 - mean[c]) / std[c]}.
     *
     * @param encoder   graph with one input and exactly one output, the pooled feature vector ([B, D], or
     *                  [B, D, 1, 1] which is flattened)
     * @param ds        images (HWC uint8)
     * @param mean      per-channel mean in [0,1] units (length C)
     * @param std       per-channel std in [0,1] units (length C)
     * @param batchSize images per forward pass (&gt;= 1); affects memory only, not the result
     * @return FLOAT features [N, D]
     */
    public static INDArray extract(ComputationGraph encoder, ImageDataset ds, float[] mean, float[] std, int batchSize) {
        String[] outputs = encoder.getConfiguration().getNetworkOutputs().toArray(new String[0]);
        if (outputs.length != 1) {
            throw new IllegalArgumentException("encoder has " + outputs.length + " outputs " + Arrays.toString(outputs)
                    + "; name the feature vertex with extract(encoder, vertex, ...)");
        }
        return extract(encoder, outputs[0], ds, mean, std, batchSize);
    }

    /**
     * As {@link #extract(ComputationGraph, ImageDataset, float[], float[], int)}, reading the activations of
     * vertex {@code featureVertex} (which need not be a network output).
     *
     * @return FLOAT features [N, D]
     */
    public static INDArray extract(ComputationGraph encoder, String featureVertex, ImageDataset ds, float[] mean,
                                   float[] std, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (encoder.getConfiguration().getNetworkInputs().size() != 1) {
            throw new IllegalArgumentException("encoder must have one input, has "
                    + encoder.getConfiguration().getNetworkInputs());
        }
        if (encoder.getVertex(featureVertex) == null) {
            throw new IllegalArgumentException("encoder has no vertex '" + featureVertex + "'");
        }
        if (ds.size() == 0) {
            throw new IllegalArgumentException("data set " + ds.name() + " is empty");
        }
        int n = ds.size();
        INDArray features = null;
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            int[] idx = new int[b];
            for (int j = 0; j < b; j++) {
                idx[j] = start + j;
            }
            INDArray x = Tensors.toNchw(ds, idx, mean, std);
            INDArray out = encoder.output(List.of(featureVertex), false, new INDArray[]{x}, null)[0];
            INDArray flat = flatten(out, featureVertex);
            if (features == null) {
                features = Nd4j.create(DataType.FLOAT, n, flat.size(1));
            }
            features.get(NDArrayIndex.interval(start, start + b), NDArrayIndex.all()).assign(flat);
        }
        return features;
    }

    static INDArray flatten(INDArray out, String vertex) {
        if (out.rank() == 2) {
            return out.castTo(DataType.FLOAT);
        }
        if (out.rank() == 4 && out.size(2) == 1 && out.size(3) == 1) {
            return out.reshape(out.size(0), out.size(1)).castTo(DataType.FLOAT);
        }
        throw new IllegalArgumentException("vertex '" + vertex + "' gives activations of shape "
                + Arrays.toString(out.shape()) + "; expected pooled features [B, D] or [B, D, 1, 1]");
    }
}
