package io.sslbench.core.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureQueueTest {

    /** Key number {@code id} of dimension d: every entry equals id (distinct, easy to read back). */
    private static INDArray batch(int firstId, int n, int d) {
        INDArray b = Nd4j.create(DataType.FLOAT, n, d);
        for (int i = 0; i < n; i++) {
            b.getRow(i).assign(firstId + i);
        }
        return b;
    }

    @Test
    void initialRowsAreSeededRandomUnitVectors() {
        FeatureQueue a = FeatureQueue.random(64, 8, DataType.FLOAT, 42);
        FeatureQueue b = FeatureQueue.random(64, 8, DataType.FLOAT, 42);
        FeatureQueue c = FeatureQueue.random(64, 8, DataType.FLOAT, 43);
        INDArray rows = a.snapshot();
        assertArrayEquals(new long[]{64, 8}, rows.shape());
        assertEquals(DataType.FLOAT, rows.dataType());
        assertTrue(rows.norm2(1).equalsWithEps(Nd4j.ones(DataType.FLOAT, 64), 1e-5), "rows are unit vectors");
        assertEquals(rows, b.snapshot(), "same seed, same queue");
        assertNotEquals(rows, c.snapshot(), "different seed, different queue");
        assertEquals(0, a.pointer());
        // no two rows (nearly) parallel: not a constant fill
        INDArray gram = rows.mmul(rows.transpose());
        assertTrue(gram.sub(Nd4j.eye(64).castTo(DataType.FLOAT)).amaxNumber().doubleValue() < 0.999);
    }

    @Test
    void holdsExactlyTheLastKKeysOldestAtThePointer() {
        int k = 12, n = 3, d = 2;
        FeatureQueue queue = FeatureQueue.random(k, d, DataType.FLOAT, 1);
        INDArray initial = queue.snapshot();
        Deque<Integer> lastK = new ArrayDeque<>();
        int nextId = 1;
        for (int step = 1; step <= 9; step++) { // 27 keys: wraps around twice
            queue.enqueue(batch(nextId, n, d));
            for (int i = 0; i < n; i++) {
                lastK.addLast(nextId + i);
                if (lastK.size() > k) {
                    lastK.removeFirst();
                }
            }
            nextId += n;
            assertEquals((step * n) % k, queue.pointer(), "pointer after " + step + " batches");

            INDArray rows = queue.snapshot();
            // positions: key number id sits in row (id - 1) mod K
            for (int id : lastK) {
                assertEquals(id, rows.getDouble((id - 1) % k, 0), 0, "row of key " + id);
                assertEquals(id, rows.getDouble((id - 1) % k, 1), 0, "row of key " + id);
            }
            // rows not yet overwritten still hold the initial random keys
            for (int r = step * n; r < k; r++) {
                assertEquals(initial.getRow(r), rows.getRow(r), "untouched row " + r);
            }
            // reading from the pointer, once full, gives the last K keys oldest first
            if (step * n >= k) {
                int j = 0;
                for (int id : lastK) {
                    assertEquals(id, rows.getDouble((queue.pointer() + j) % k, 0), 0, "age order at " + j);
                    j++;
                }
            }
        }
    }

    @Test
    void enqueueCopiesAndSnapshotIsACopy() {
        FeatureQueue queue = FeatureQueue.random(4, 3, DataType.FLOAT, 7);
        INDArray keys = batch(5, 2, 3);
        queue.enqueue(keys);
        keys.assign(-1);
        INDArray snap = queue.snapshot();
        assertEquals(5, snap.getDouble(0, 0), 0);
        snap.assign(0);
        assertEquals(5, queue.snapshot().getDouble(0, 0), 0);
    }

    @Test
    void rejectsBatchesThatDoNotDivideTheQueue() {
        FeatureQueue queue = FeatureQueue.random(10, 3, DataType.FLOAT, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> queue.enqueue(batch(0, 4, 3)));
        assertTrue(e.getMessage().contains("K = 10") && e.getMessage().contains("N = 4"), e.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> queue.enqueue(batch(0, 20, 3)));
        assertTrue(big.getMessage().contains("N = 20"), big.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> queue.enqueue(batch(0, 5, 4)));
        assertTrue(dim.getMessage().contains("dimension 4"), dim.getMessage());
        assertEquals(0, queue.pointer(), "a rejected batch changes nothing");
    }

    @Test
    void rejectsBadConstructionArguments() {
        assertThrows(IllegalArgumentException.class, () -> FeatureQueue.random(0, 3, DataType.FLOAT, 1));
        assertThrows(IllegalArgumentException.class, () -> FeatureQueue.random(3, 0, DataType.FLOAT, 1));
        assertThrows(IllegalArgumentException.class, () -> FeatureQueue.random(3, 3, DataType.INT32, 1));
    }

    @Test
    void stateRoundTripRestoresRowsAndPointer() {
        FeatureQueue queue = FeatureQueue.random(8, 4, DataType.DOUBLE, 3);
        queue.enqueue(batch(1, 2, 4).castTo(DataType.DOUBLE));
        queue.enqueue(batch(3, 2, 4).castTo(DataType.DOUBLE));
        queue.enqueue(batch(5, 2, 4).castTo(DataType.DOUBLE));
        Map<String, INDArray> state = queue.state();
        FeatureQueue restored = FeatureQueue.fromState(state);
        assertEquals(queue.pointer(), restored.pointer());
        assertEquals(6, restored.pointer());
        assertEquals(queue.snapshot(), restored.snapshot());
        assertEquals(DataType.DOUBLE, restored.dataType());
        // both continue identically, and the state map is a copy
        state.get(FeatureQueue.STATE_QUEUE).assign(0);
        queue.enqueue(batch(7, 2, 4).castTo(DataType.DOUBLE));
        restored.enqueue(batch(7, 2, 4).castTo(DataType.DOUBLE));
        assertEquals(queue.snapshot(), restored.snapshot());
        assertEquals(0, restored.pointer());
        assertFalse(restored.snapshot().equals(Nd4j.zeros(DataType.DOUBLE, 8, 4)));
    }

    @Test
    void fromStateRejectsIncompleteOrInvalidState() {
        Map<String, INDArray> state = new HashMap<>(FeatureQueue.random(4, 2, DataType.FLOAT, 1).state());
        Map<String, INDArray> noPtr = new HashMap<>(state);
        noPtr.remove(FeatureQueue.STATE_POINTER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureQueue.fromState(noPtr));
        assertTrue(e.getMessage().contains("'ptr'"), e.getMessage());
        Map<String, INDArray> noQueue = new HashMap<>(state);
        noQueue.remove(FeatureQueue.STATE_QUEUE);
        e = assertThrows(IllegalArgumentException.class, () -> FeatureQueue.fromState(noQueue));
        assertTrue(e.getMessage().contains("'queue'"), e.getMessage());
        Map<String, INDArray> badPtr = new HashMap<>(state);
        badPtr.put(FeatureQueue.STATE_POINTER, Nd4j.scalar(DataType.INT64, 4));
        e = assertThrows(IllegalArgumentException.class, () -> FeatureQueue.fromState(badPtr));
        assertTrue(e.getMessage().contains("[0, K = 4)"), e.getMessage());
        Map<String, INDArray> vectorQueue = new HashMap<>(state);
        vectorQueue.put(FeatureQueue.STATE_QUEUE, Nd4j.ones(DataType.FLOAT, 8));
        assertThrows(IllegalArgumentException.class, () -> FeatureQueue.fromState(vectorQueue));
        assertThrows(IllegalArgumentException.class, () -> FeatureQueue.fromState(null));
    }
}
