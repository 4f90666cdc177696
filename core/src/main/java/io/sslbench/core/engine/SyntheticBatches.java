package io.sslbench.core.engine;

import io.sslbench.core.aug.BatchSource;
import io.sslbench.core.aug.ViewBatch;
import io.sslbench.core.util.Randoms;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Synthetic view batches for benchmarks and engine tests: Gaussian images whose content depends only
 * on (seed, epoch, batch); view v has side {@code sizes[v]}; views of the same image share a base image
 * (resized by nearest sampling) plus small noise, so "two views of one image" is meaningful.
 */
public final class SyntheticBatches implements BatchSource {
    private final int batches;
    private final int batchSize;
    private final int channels;
    private final int[] sizes;
    private final int classes;
    private final long seed;
    private final DataType dataType;

    public SyntheticBatches(int batches, int batchSize, int channels, int[] sizes, int classes, long seed, DataType dataType) {
        if (batches < 1 || batchSize < 1 || sizes.length < 1) {
            throw new IllegalArgumentException("need >= 1 batch, batch size and view");
        }
        this.batches = batches;
        this.batchSize = batchSize;
        this.channels = channels;
        this.sizes = sizes.clone();
        this.classes = classes;
        this.seed = seed;
        this.dataType = dataType;
    }

    @Override
    public int batchesPerEpoch() {
        return batches;
    }

    /** @return batch {@code b} of epoch {@code e} */
    public ViewBatch batch(int epoch, int b) {
        int base = sizes[0];
        INDArray[] views = new INDArray[sizes.length];
        // plain Java randomness: content depends only on (seed, epoch, batch), whatever ND4J's generators do
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + epoch * 1009L + b);
        INDArray img = gaussian(rng, new long[]{batchSize, channels, base, base}, 1.0);
        for (int v = 0; v < sizes.length; v++) {
            INDArray x = sizes[v] == base ? img.dup() : resizeNearest(img, sizes[v]);
            views[v] = x.addi(gaussian(rng, x.shape(), 0.1));
        }
        int[] labels = new int[batchSize];
        int[] idx = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            idx[i] = b * batchSize + i;
            labels[i] = classes > 0 ? idx[i] % classes : -1;
        }
        return new ViewBatch(views, labels, idx);
    }

    private INDArray gaussian(SplittableRandom rng, long[] shape, double std) {
        return Randoms.gaussian(rng, shape, std, dataType);
    }

    private static INDArray resizeNearest(INDArray x, int s) {
        long h = x.size(2);
        long[] rows = new long[s];
        for (int i = 0; i < s; i++) {
            rows[i] = Math.min(h - 1, (long) Math.floor((i + 0.5) * h / s));
        }
        return x.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.indices(rows), NDArrayIndex.indices(rows)).dup();
    }

    @Override
    public Iterator<ViewBatch> epoch(int epoch, int startBatch) {
        return new Iterator<>() {
            int b = startBatch;

            @Override
            public boolean hasNext() {
                return b < batches;
            }

            @Override
            public ViewBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch(epoch, b++);
            }
        };
    }
}
