package io.sslbench.core.loss;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class PretextAccuracyTest {
    @Test
    void ntXentCountsTheAnchorsWhosePositiveIsTheMostSimilarOtherRow() {
        // N = 2: rows 0,1 view 1; rows 2,3 view 2. Pairs (0,2) and (1,3) identical and orthogonal to each other
        double[][] z = {{1, 0}, {0, 1}, {2, 0}, {0, 3}};
        assertEquals(1.0, PretextAccuracy.ntXent(Nd4j.createFromArray(z)), 1e-12);
        // row 3 moves next to row 0
        double[][] w = {{1, 0}, {0, 1}, {2, 0}, {1, 0.1}};
        // anchor 0: positive 2 (cos 1) vs 3 (cos 0.995) hit; anchor 1: positive 3 (0.0995) vs 0 (0), 2 (0) hit;
        // anchor 2: positive 0 (1) vs 3 (0.995) hit; anchor 3: positive 1 (0.0995) vs 0 (0.995) miss
        assertEquals(0.75, PretextAccuracy.ntXent(Nd4j.createFromArray(w)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> PretextAccuracy.ntXent(Nd4j.rand(DataType.FLOAT, 3, 2)));
    }

    @Test
    void infoNceCountsTheQueriesWhosePositiveKeyBeatsEveryQueuedKey() {
        double[][] q = {{1, 0}, {0, 1}, {1, 1}};
        double[][] k = {{3, 0}, {0.1, 1}, {-1, -1}};
        double[][] queue = {{0, -1}, {0.6, 0.8}};
        // q0: pos 1 vs 0 and 0.6 -> hit; q1: pos cos 0.995 vs -1 and 0.8 -> hit; q2: pos -1 -> miss
        assertEquals(2.0 / 3, PretextAccuracy.infoNce(Nd4j.createFromArray(q), Nd4j.createFromArray(k),
                Nd4j.createFromArray(queue)), 1e-15);
    }
}
