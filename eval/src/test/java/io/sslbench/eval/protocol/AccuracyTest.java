package io.sslbench.eval.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AccuracyTest {
    @Test
    void topKCountsRanksWithStableTieBreak() {
        double[][] s = {
                {0.1, 0.5, 0.4},   // label 1 is top-1
                {0.3, 0.3, 0.4},   // label 1 ties with 0 and ranks after it: rank 2
                {0.9, 0.05, 0.05}, // label 2 ties with 1, ranks after it: rank 2
        };
        int[] y = {1, 1, 2};
        assertEquals(1 / 3.0, Accuracy.topK(s, y, 1), 1e-15);
        assertEquals(1 / 3.0, Accuracy.topK(s, y, 2), 1e-15);
        assertEquals(1.0, Accuracy.topK(s, y, 3), 1e-15);
        assertEquals(1.0, Accuracy.topK(s, y, 5), 1e-15, "fewer classes than k: always correct");
        assertEquals(2, Accuracy.rank(s[1], 1));
        assertEquals(0, Accuracy.rank(s[1], 2));
    }

    @Test
    void rejectsMismatchedInput() {
        assertThrows(IllegalArgumentException.class, () -> Accuracy.topK(new double[2][3], new int[3], 1));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.topK(new double[1][3], new int[]{3}, 1));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.topK(new double[1][3], new int[]{0}, 0));
    }
}
