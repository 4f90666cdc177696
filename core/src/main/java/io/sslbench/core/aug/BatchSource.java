package io.sslbench.core.aug;

import java.util.Iterator;

/** Batches of augmented views, deterministic per (seed, epoch, batch index); see {@link MultiViewLoader}. */
public interface BatchSource extends AutoCloseable {

    int batchesPerEpoch();

    /** Batches {@code startBatch..} of epoch {@code epoch}, identical to those of an uninterrupted pass. */
    Iterator<ViewBatch> epoch(int epoch, int startBatch);

    @Override
    default void close() {
    }
}
