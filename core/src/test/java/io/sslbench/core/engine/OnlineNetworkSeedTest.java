package io.sslbench.core.engine;

import io.sslbench.core.testing.TinyNets;
import io.sslbench.core.util.Randoms;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The weight initialisation depends on the seed only, seed 0 included (ND4J ignores {@code setSeed(0)}). */
class OnlineNetworkSeedTest {

    private static INDArray init(long seed) {
        Nd4j.rand(DataType.FLOAT, 7, 5); // other ND4J draws in between must not matter
        return OnlineNetwork.build(TinyNets.encoder(true), new ToyMethod(), 3, 8, seed, DataType.FLOAT).graph().params().dup();
    }

    @Test
    void sameSeedSameWeightsForEverySeedIncludingZero() {
        for (long seed : new long[]{0, 1, 7}) {
            assertEquals(init(seed), init(seed), "seed " + seed);
        }
        assertNotEquals(init(0), init(1));
    }

    @Test
    void nd4jSeedOnlyReplacesZero() {
        assertEquals(Randoms.ZERO_SEED_REPLACEMENT, Randoms.nd4jSeed(0));
        for (long s : new long[]{1, -1, 42, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(s, Randoms.nd4jSeed(s));
        }
        // the reason: ND4J's generator does not restart on setSeed(0), it does on any other seed
        Nd4j.getRandom().setSeed(Randoms.nd4jSeed(0));
        INDArray a = Nd4j.rand(DataType.FLOAT, 4);
        Nd4j.getRandom().setSeed(Randoms.nd4jSeed(0));
        assertEquals(a, Nd4j.rand(DataType.FLOAT, 4));
    }
}
