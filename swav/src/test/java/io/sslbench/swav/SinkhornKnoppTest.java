package io.sslbench.swav;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkhornKnoppTest {

    @ParameterizedTest
    @CsvSource({"1,1,1", "4,3,3", "16,10,3", "32,50,3", "8,5,1", "8,5,10"})
    void matchesNaiveDoubleLoopSinkhorn(int b, int k, int iterations) {
        INDArray s = SwavReference.scores(b * 100L + k, b, k, 8);
        INDArray s0 = s.dup();
        INDArray codes = SinkhornKnopp.codes(s, 0.05, iterations);
        double[][] ref = SwavReference.sinkhorn(SwavReference.rows(s, 0, b), 0.05, iterations, b);
        for (int i = 0; i < b; i++) {
            assertArrayEquals(ref[i], codes.getRow(i).toDoubleVector(), 1e-12, "row " + i);
        }
        assertEquals(s0, s, "scores must not be modified");
    }

    /**
     * Marginals. Per sample (rows of the returned codes) they are exact up to rounding, because every
     * iteration ends with the sample normalisation. Per prototype they are only close to B/K: the
     * prototype normalisation is followed by the sample one, which perturbs it again, and the residual
     * shrinks geometrically with the iterations. Measured on unit-vector scores with D=128 and eps=0.05,
     * the worst prototype after 3 iterations is 0.5% to 11% off B/K over the sizes tested here (fewer
     * prototypes per sample and lower-dimensional, more clustered features converge more slowly: at D=16
     * it reaches 25%-45%), hence the stated tolerance of 15% (max relative) at 3 iterations and 1e-6 at
     * 300; the mean absolute deviation must also decrease from 1 to 3 to 10 to 300 iterations.
     */
    @ParameterizedTest
    @CsvSource({"64,30", "32,100", "128,10"})
    void marginalsAfterTheIterations(int b, int k) {
        INDArray s = SwavReference.scores(5L * b + k, b, k, 128);
        INDArray codes = SinkhornKnopp.codes(s, 0.05, 3);
        assertEquals(0.0, codes.sum(1).sub(1.0).amaxNumber().doubleValue(), 1e-12, "per-sample marginals");
        double worst3 = codes.sum(0).div((double) b / k).sub(1.0).amaxNumber().doubleValue();
        assertTrue(worst3 < 0.15, "worst relative prototype-marginal error after 3 iterations: " + worst3);
        double previous = Double.POSITIVE_INFINITY;
        for (int it : new int[]{1, 3, 10, 300}) {
            INDArray dev = SinkhornKnopp.codes(s, 0.05, it).sum(0).div((double) b / k).sub(1.0);
            double meanAbs = dev.norm1Number().doubleValue() / k;
            assertTrue(meanAbs < previous, it + " iterations: mean deviation " + meanAbs + " not below " + previous);
            previous = meanAbs;
            if (it == 300) {
                assertTrue(dev.amaxNumber().doubleValue() < 1e-6, "after 300 iterations: " + dev.amaxNumber());
            }
        }
        // the plain softmax of scores/eps (no Sinkhorn) is much further from equipartition
        INDArray softmax = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(s.div(0.05), null, 1))[0];
        double worstSoftmax = softmax.sum(0).div((double) b / k).sub(1.0).amaxNumber().doubleValue();
        assertTrue(worstSoftmax > 2 * worst3, "softmax marginal error " + worstSoftmax + " vs Sinkhorn " + worst3);
    }

    @Test
    void invariantToAGlobalShiftAndStableForLargeScores() {
        INDArray s = SwavReference.scores(9, 12, 7, 4);
        INDArray codes = SinkhornKnopp.codes(s, 0.05, 3);
        // exp(60 / 0.05) overflows double; the result must still be the same codes
        INDArray shifted = SinkhornKnopp.codes(s.add(60.0), 0.05, 3);
        assertFalse(shifted.isNaN().any() || shifted.isInfinite().any());
        assertTrue(codes.equalsWithEps(shifted, 1e-10));
    }

    @Test
    void worldVariantReturnsTheLastRowsOfTheWholeAssignment() {
        int q = 20, b = 6, k = 9;
        INDArray world = SwavReference.scores(11, q + b, k, 128);
        INDArray queue = world.get(NDArrayIndex.interval(0, q), NDArrayIndex.all());
        INDArray batch = world.get(NDArrayIndex.interval(q, q + b), NDArrayIndex.all());
        INDArray all = SinkhornKnopp.codes(world, 0.05, 3);
        INDArray last = SinkhornKnopp.codes(world, b, 0.05, 3);
        INDArray withQueue = SinkhornKnopp.codesWithQueue(batch, queue, 0.05, 3);
        assertEquals(all.get(NDArrayIndex.interval(q, q + b), NDArrayIndex.all()), last);
        assertTrue(last.equalsWithEps(withQueue, 1e-14));
        double[][] ref = SwavReference.sinkhorn(SwavReference.rows(world, 0, q + b), 0.05, 3, b);
        for (int i = 0; i < b; i++) {
            assertArrayEquals(ref[i], withQueue.getRow(i).toDoubleVector(), 1e-12);
        }
        // the queue changes the batch's codes (the equipartition is over Q+B samples)
        assertFalse(SinkhornKnopp.codes(batch, 0.05, 3).equalsWithEps(withQueue, 1e-3));
        // the world's prototype marginals approach (Q+B)/K (tolerance as in marginalsAfterTheIterations)
        double worst = all.sum(0).div((double) (q + b) / k).sub(1.0).amaxNumber().doubleValue();
        assertTrue(worst < 0.15, "world prototype marginal error " + worst);
    }

    @Test
    void floatInputIsComputedInDoubleAndReturnedAsFloat() {
        INDArray s = SwavReference.scores(13, 32, 40, 8);
        INDArray d = SinkhornKnopp.codes(s, 0.05, 3);
        INDArray f = SinkhornKnopp.codes(s.castTo(DataType.FLOAT), 0.05, 3);
        assertEquals(DataType.FLOAT, f.dataType());
        // the only float error left is the input rounding amplified by 1/eps and the output rounding
        assertTrue(d.sub(f.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-5);
    }

    @Test
    void invalidArgumentsAreRejected() {
        INDArray s = SwavReference.scores(1, 4, 3, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> SinkhornKnopp.codes(s, 0, 3));
        assertTrue(e.getMessage().contains("epsilon must be finite and > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SinkhornKnopp.codes(s, 0.05, 0));
        assertTrue(e.getMessage().contains("iterations must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SinkhornKnopp.codes(s, 5, 0.05, 3));
        assertTrue(e.getMessage().contains("batchRows must be in [1, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SinkhornKnopp.codesWithQueue(s, SwavReference.scores(2, 4, 5, 2), 0.05, 3));
        assertTrue(e.getMessage().contains("prototypes"), e.getMessage());
        // a sample whose scores are all 2000*eps below the best one: exp underflows to 0 for that whole row
        INDArray far = s.dup();
        far.getRow(2).assign(-100.0);
        e = assertThrows(IllegalArgumentException.class, () -> SinkhornKnopp.codes(far, 0.05, 3));
        assertTrue(e.getMessage().contains("receives no mass"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SinkhornKnopp.codes(s.reshape(12), 0.05, 3));
        assertTrue(e.getMessage().contains("scores must be a rank-2 matrix"), e.getMessage());
    }
}
