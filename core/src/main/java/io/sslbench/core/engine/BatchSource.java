package io.sslbench.core.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Iterator;

/** Batches of augmented views, deterministic per (seed, epoch, batch index). */
public interface BatchSource extends AutoCloseable {

    /** One batch: a tensor per view, plus the images' labels (-1 when unlabelled) and indices. */
    record Batch(INDArray[] views, int[] labels, int[] indices) {
    }

    int batchesPerEpoch();

    /** Batches {@code startBatch..} of epoch {@code epoch}, identical to those of an uninterrupted pass. */
    Iterator<Batch> epoch(int epoch, int startBatch);

    @Override
    default void close() {
    }
}
