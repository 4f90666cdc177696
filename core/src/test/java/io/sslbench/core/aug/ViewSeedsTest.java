package io.sslbench.core.aug;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViewSeedsTest {

    @Test
    void viewStreamsArePureFunctionsOfTheirFourCoordinates() {
        long a = ViewSeeds.forView(7, 3, 1234, 1).nextLong();
        assertEquals(a, ViewSeeds.forView(7, 3, 1234, 1).nextLong());
        assertNotEquals(a, ViewSeeds.forView(8, 3, 1234, 1).nextLong());
        assertNotEquals(a, ViewSeeds.forView(7, 4, 1234, 1).nextLong());
        assertNotEquals(a, ViewSeeds.forView(7, 3, 1235, 1).nextLong());
        assertNotEquals(a, ViewSeeds.forView(7, 3, 1234, 0).nextLong());
        // swapped coordinates do not collide
        assertNotEquals(ViewSeeds.viewSeed(0, 1, 2, 3), ViewSeeds.viewSeed(0, 2, 1, 3));
        assertNotEquals(ViewSeeds.viewSeed(0, 1, 2, 3), ViewSeeds.viewSeed(0, 1, 3, 2));
    }

    @Test
    void noCollisionsOverAGrid() {
        Set<Long> seen = new HashSet<>();
        int n = 0;
        for (long seed = 0; seed < 3; seed++) {
            for (int e = 0; e < 10; e++) {
                for (int i = 0; i < 2000; i++) {
                    for (int v = 0; v < 8; v++) {
                        seen.add(ViewSeeds.viewSeed(seed, e, i, v));
                        n++;
                    }
                }
            }
        }
        assertEquals(n, seen.size());
    }

    @Test
    void oneBitOfAnyCoordinateFlipsHalfTheSeedBits() {
        double total = 0;
        int count = 0;
        for (int i = 0; i < 500; i++) {
            long base = ViewSeeds.viewSeed(42, 5, i, 1);
            total += Long.bitCount(base ^ ViewSeeds.viewSeed(42 ^ 1L << (i % 64), 5, i, 1));
            total += Long.bitCount(base ^ ViewSeeds.viewSeed(42, 5 ^ 1 << (i % 31), i, 1));
            total += Long.bitCount(base ^ ViewSeeds.viewSeed(42, 5, i ^ 1 << (i % 31), 1));
            total += Long.bitCount(base ^ ViewSeeds.viewSeed(42, 5, i, 1 ^ 1 << (i % 31)));
            count += 4;
        }
        assertEquals(32.0, total / count, 1.0);
    }

    @Test
    void epochOrderIsASeededPermutation() {
        int[] p = ViewSeeds.permutation(1, 0, 1000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(p, ViewSeeds.permutation(1, 0, 1000));
        assertFalse(Arrays.equals(p, ViewSeeds.permutation(1, 1, 1000)));
        assertFalse(Arrays.equals(p, ViewSeeds.permutation(2, 0, 1000)));
        int fixed = 0;
        for (int i = 0; i < 1000; i++) {
            fixed += p[i] == i ? 1 : 0;
        }
        assertTrue(fixed < 8, "a uniform permutation has ~1 fixed point, got " + fixed);
        // position of element 0 is uniform over many epochs
        double meanPos = 0;
        for (int e = 0; e < 2000; e++) {
            int[] q = ViewSeeds.permutation(3, e, 10);
            for (int k = 0; k < 10; k++) {
                if (q[k] == 0) {
                    meanPos += k;
                }
            }
        }
        assertEquals(4.5, meanPos / 2000, 0.3);
    }
}
