package io.sslbench.core.engine;

import io.sslbench.core.loss.L2Normalize;
import io.sslbench.core.util.Randoms;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * MoCo's queue of negative keys: a ring buffer of {@code K} rows of dimension {@code D}
 * ({@code self.queue} and {@code self.queue_ptr} of facebookresearch/moco {@code builder.py}).
 *
 * <p>Each {@link #enqueue} of a batch of {@code N} keys overwrites rows
 * {@code [ptr, ptr + N)} and advances {@code ptr = (ptr + N) mod K}; as in MoCo, {@code K} must be a
 * multiple of {@code N}, so a batch never wraps. The queue therefore always holds the last {@code K}
 * keys enqueued (after the first {@code K / N} batches), oldest at row {@code ptr}.
 *
 * <p>Rows start as random unit vectors (MoCo: {@code randn} then {@code normalize}). Callers enqueue
 * normalised keys ({@code L2Normalize.forward(k, "k").unit()}); the queue does not normalise.
 * As in MoCo, a step computes its loss against {@link #snapshot()} and enqueues its keys after.
 * Not thread-safe.
 */
public final class FeatureQueue {
    /** {@link #state()} key of the [K, D] rows. */
    public static final String STATE_QUEUE = "queue";
    /** {@link #state()} key of the pointer, an INT64 scalar. */
    public static final String STATE_POINTER = "ptr";

    private final INDArray rows;
    private int pointer;

    private FeatureQueue(INDArray rows, int pointer) {
        this.rows = rows;
        this.pointer = pointer;
    }

    /**
     * A queue of {@code size} random unit vectors: rows of a standard normal [K, D] matrix, each
     * divided by its norm, drawn from a generator seeded with {@code seed}.
     *
     * @param size number of keys K >= 1
     * @param dim  key dimension D >= 1
     * @param type floating-point type of the stored keys
     * @param seed seed of the initial draw (same seed, same queue)
     * @return the queue, pointer 0
     */
    public static FeatureQueue random(int size, int dim, DataType type, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("queue size K must be >= 1, got " + size);
        }
        if (dim < 1) {
            throw new IllegalArgumentException("key dimension D must be >= 1, got " + dim);
        }
        if (type == null || !type.isFPType()) {
            throw new IllegalArgumentException("queue data type must be floating point, got " + type);
        }
        // DEVIATION: MoCo's buffer is randn(dim, K) normalised along dim 0 (keys are columns); here
        // keys are rows of a [K, D] matrix, drawn from ND4J's generator (other numbers than torch's).
        INDArray gaussian = Randoms.gaussian(new SplittableRandom(seed),
                new long[]{size, dim}, 1.0, type);
        return new FeatureQueue(L2Normalize.forward(gaussian, "initial queue").unit(), 0);
    }

    /**
     * Dequeues the oldest {@code N} keys and enqueues {@code keys} in their place, in order.
     *
     * @param keys [N, D] keys (normalised by the caller), {@code K % N == 0}; copied, not retained
     */
    public void enqueue(INDArray keys) {
        L2Normalize.requireMatrix(keys, "keys");
        long n = keys.rows();
        int k = size();
        if (keys.columns() != dim()) {
            throw new IllegalArgumentException("keys have dimension " + keys.columns() + " (shape "
                    + Arrays.toString(keys.shape()) + "), the queue holds D = " + dim());
        }
        if (n > k || k % n != 0) {
            throw new IllegalArgumentException("queue size K = " + k + " is not a multiple of the key batch N = "
                    + n + " (MoCo asserts K % N == 0 so that a batch never wraps around)");
        }
        rows.get(NDArrayIndex.interval(pointer, pointer + n), NDArrayIndex.all()).assign(keys);
        pointer = (int) ((pointer + n) % k);
    }

    /** @return a copy of the K rows [K, D] in storage order (row {@link #pointer()} is the oldest) */
    public INDArray snapshot() {
        return rows.dup('c');
    }

    /** @return the row the next batch is written to, in [0, K) */
    public int pointer() {
        return pointer;
    }

    /** @return the number of keys K */
    public int size() {
        return (int) rows.rows();
    }

    /** @return the key dimension D */
    public int dim() {
        return (int) rows.columns();
    }

    /** @return the data type of the stored keys */
    public DataType dataType() {
        return rows.dataType();
    }

    /**
     * @return checkpoint state: {@value #STATE_QUEUE} -> copy of the rows [K, D],
     *         {@value #STATE_POINTER} -> INT64 scalar pointer; read back with {@link #fromState}
     */
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put(STATE_QUEUE, snapshot());
        s.put(STATE_POINTER, Nd4j.scalar(DataType.INT64, pointer));
        return Collections.unmodifiableMap(s);
    }

    /**
     * Rebuilds a queue from {@link #state()}; the arrays are copied.
     *
     * @param state map with {@value #STATE_QUEUE} (floating point [K, D]) and {@value #STATE_POINTER}
     *              (one integer in [0, K))
     * @return the restored queue
     */
    public static FeatureQueue fromState(Map<String, INDArray> state) {
        if (state == null) {
            throw new IllegalArgumentException("feature queue state is null");
        }
        INDArray rows = state.get(STATE_QUEUE);
        INDArray ptr = state.get(STATE_POINTER);
        if (rows == null || ptr == null) {
            throw new IllegalArgumentException("feature queue state lacks key '" + (rows == null ? STATE_QUEUE
                    : STATE_POINTER) + "'; keys present: " + state.keySet());
        }
        L2Normalize.requireMatrix(rows, "feature queue state '" + STATE_QUEUE + "'");
        if (ptr.length() != 1) {
            throw new IllegalArgumentException("feature queue state '" + STATE_POINTER
                    + "' must hold one value, got shape " + Arrays.toString(ptr.shape()));
        }
        double p = ptr.getDouble(0);
        if (p != Math.rint(p) || p < 0 || p >= rows.rows()) {
            throw new IllegalArgumentException("feature queue state '" + STATE_POINTER + "' = " + p
                    + " is not an integer in [0, K = " + rows.rows() + ")");
        }
        return new FeatureQueue(rows.dup('c'), (int) p);
    }
}
