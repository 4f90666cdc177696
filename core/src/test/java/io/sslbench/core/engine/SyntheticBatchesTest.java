package io.sslbench.core.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticBatchesTest {
    @Test
    void batchesDependOnlyOnSeedEpochAndIndex() {
        SyntheticBatches s = new SyntheticBatches(3, 4, 3, new int[]{8, 8, 4}, 10, 5, DataType.FLOAT);
        var a = s.batch(1, 2);
        Nd4j.getRandom().setSeed(123);
        Nd4j.rand(10, 10); // other ND4J randomness in between must not matter
        var b = s.batch(1, 2);
        for (int v = 0; v < 3; v++) {
            assertEquals(a.views()[v], b.views()[v], "view " + v);
        }
        assertEquals(4, a.views()[2].size(2));
        assertNotEquals(a.views()[0], s.batch(2, 2).views()[0], "epochs differ");
        assertNotEquals(a.views()[0], a.views()[1], "views of one image differ by noise");
        assertArrayEquals(new int[]{8, 9, 10, 11}, a.indices());
    }
}
