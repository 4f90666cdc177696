package io.sslbench.swav;

import io.sslbench.core.loss.LossResult;
import io.sslbench.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwavLossTest {

    private static int[] parseCrops(String s) {
        return java.util.Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[][][] queueArrays(INDArray[] queue) {
        double[][][] r = new double[queue.length][][];
        for (int i = 0; i < queue.length; i++) {
            r[i] = SwavReference.rows(queue[i], 0, queue[i].size(0));
        }
        return r;
    }

    @ParameterizedTest
    @CsvSource({
            // batch, prototypes, crops, assign, temperature, iterations, queue rows
            "1, 3, 2, 0 1, 0.1, 3, 0",
            "4, 7, 2, 0 1, 0.1, 3, 0",
            "5, 30, 2, 0, 0.5, 3, 0",
            "3, 10, 6, 0 1, 0.1, 3, 0",
            "3, 10, 6, 1 4, 0.2, 1, 0",
            "4, 12, 2, 0 1, 0.1, 3, 8",
            "2, 9, 6, 0 1, 0.1, 3, 6"})
    void matchesNaiveTranscriptionOfMainSwav(int b, int k, int crops, String assignS, double tau, int iters, int queueRows) {
        int[] assign = parseCrops(assignS);
        INDArray scores = SwavReference.scores(b * 1000L + k * 10L + crops, crops * b, k, 8);
        INDArray scores0 = scores.dup();
        INDArray[] queue = null;
        INDArray queue3 = null;
        if (queueRows > 0) {
            queue = new INDArray[assign.length];
            for (int i = 0; i < assign.length; i++) {
                queue[i] = SwavReference.scores(77 + i, queueRows, k, 8);
            }
            queue3 = Nd4j.stack(0, queue);
        }
        double expected = SwavReference.loss(scores, b, crops, assign, tau, 0.05, iters,
                queue == null ? null : queueArrays(queue), null);
        LossResult r = SwavLoss.compute(scores, b, crops, assign, tau, 0.05, iters, queue3);
        assertEquals(expected, r.value(), 1e-10 * Math.max(1, Math.abs(expected)));
        assertNull(r.gradient(1), "the queue is detached");
        assertEquals(scores0, scores, "scores must not be modified");
        if (queue != null) {
            LossResult viaList = SwavLoss.compute(scores, b, new SwavLoss.Config(crops, assign, tau, 0.05, iters), List.of(queue));
            // exact: the [A,Q,K] form slices its queue into this list and calls the list form (same values, same ops)
            assertEquals(r.value(), viaList.value(), 0);
        }
    }

    @ParameterizedTest
    @CsvSource({"3, 5, 2, 0 1", "2, 6, 6, 0 1", "2, 4, 3, 2"})
    void gradientWithDetachedCodesPassesFiniteDifferenceCheck(int b, int k, int crops, String assignS) {
        int[] assign = parseCrops(assignS);
        double tau = 0.1;
        // scores shrunk to [-0.25, 0.25]: with the full [-1, 1] range at tau = 0.1 some softmax entries are ~1e-7,
        // and finite-difference rounding noise (~1e-10) would dominate those entries' relative error
        INDArray scores = SwavReference.scores(31L * b + k, crops * b, k, 6).muli(0.25);
        // codes are detached: the finite-difference loss keeps the codes of the unperturbed scores
        double[][][] codes = new double[assign.length][][];
        for (int i = 0; i < assign.length; i++) {
            codes[i] = SwavReference.sinkhorn(SwavReference.rows(scores, (long) b * assign[i], b), 0.05, 3, b);
        }
        LossResult r = SwavLoss.compute(scores, b, crops, assign, tau, 0.05, 3, null);
        double err = GradCheck.maxRelativeError(
                x -> SwavReference.loss(x, b, crops, assign, tau, 0.05, 3, null, codes), scores, r.gradient(0), 1e-6);
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @Test
    void assignmentCropsThatAreNeverPredictedGetNoGradient() {
        // with a single assignment crop, only the OTHER crops' scores are predicted
        int b = 3, k = 5;
        INDArray scores = SwavReference.scores(3, 2 * b, k, 4);
        LossResult r = SwavLoss.compute(scores, b, 2, new int[]{0}, 0.1, 0.05, 3, null);
        // exact: those rows' target is assigned 0, so their gradient is exp(z) * 0 - 0 (finite exp(z))
        assertEquals(0.0, r.gradient(0).get(NDArrayIndex.interval(0, b), NDArrayIndex.all()).amaxNumber().doubleValue(), 0);
        assertTrue(r.gradient(0).get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()).amaxNumber().doubleValue() > 0);
        // every predicted row's gradient sums to zero (softmax minus a distribution)
        assertEquals(0.0, r.gradient(0).sum(1).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void closedFormWithUniformScores() {
        // all scores equal: codes are uniform 1/K and softmax is uniform, so every term is log K
        int b = 4, k = 8, crops = 6;
        INDArray scores = Nd4j.valueArrayOf(new long[]{(long) crops * b, k}, 0.3, DataType.DOUBLE);
        LossResult r = SwavLoss.compute(scores, b, crops, new int[]{0, 1}, 0.1, 0.05, 3, null);
        assertEquals(Math.log(k), r.value(), 1e-12);
        assertEquals(0.0, r.gradient(0).amaxNumber().doubleValue(), 1e-15);
    }

    @Test
    void floatScoresGiveFloatGradientCloseToDouble() {
        int b = 8, k = 40;
        INDArray scores = SwavReference.scores(17, 2 * b, k, 16);
        LossResult d = SwavLoss.compute(scores, b, 2, new int[]{0, 1}, 0.1, 0.05, 3, null);
        LossResult f = SwavLoss.compute(scores.castTo(DataType.FLOAT), b, 2, new int[]{0, 1}, 0.1, 0.05, 3, null);
        assertEquals(DataType.FLOAT, f.gradient(0).dataType());
        assertEquals(d.value(), f.value(), 1e-4);
        assertTrue(d.gradient(0).sub(f.gradient(0).castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-5);
    }

    @Test
    void invalidArgumentsAreRejected() {
        INDArray s = SwavReference.scores(1, 6, 4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 4, 2, new int[]{0, 1}, 0.1, 0.05, 3, null));
        assertTrue(e.getMessage().contains("numCrops*batchSize = 2*4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 3, 2, new int[]{0, 2}, 0.1, 0.05, 3, null));
        assertTrue(e.getMessage().contains("cropsForAssign entry 2 is outside [0, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 3, 2, new int[]{1, 1}, 0.1, 0.05, 3, null));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 6, 1, new int[]{0}, 0.1, 0.05, 3, null));
        assertTrue(e.getMessage().contains("numCrops must be >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 3, 2, new int[]{0, 1}, -0.1, 0.05, 3, null));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 3, 2, new int[]{0, 1}, 0.1, 0.05, 3,
                Nd4j.zeros(DataType.DOUBLE, 1, 5, 4)));
        assertTrue(e.getMessage().contains("[A,Q,K] with A = 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwavLoss.compute(s, 3, 2, new int[]{0, 1}, 0.1, 0.05, 3,
                Nd4j.zeros(DataType.DOUBLE, 2, 5, 3)));
        assertTrue(e.getMessage().contains("prototypes"), e.getMessage());
        assertEquals(SwavLoss.Config.paper(8), new SwavLoss.Config(8, new int[]{0, 1}, 0.1, 0.05, 3));
    }

    @Test
    void normalizedEntropyIsOneForUniformCodesZeroForOneHotAndLog2OverLogKInBetween() {
        INDArray uniform = Nd4j.valueArrayOf(new long[]{3, 4}, 0.25, DataType.DOUBLE);
        assertEquals(1.0, SwavLoss.normalizedEntropy(uniform), 1e-12);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 2, 4);
        oneHot.putScalar(0, 1, 1f);
        oneHot.putScalar(1, 3, 1f);
        assertEquals(0.0, SwavLoss.normalizedEntropy(oneHot), 1e-12);
        // two equal halves: log 2 / log 4 = 0.5; averaged over both matrices' rows with a uniform one
        INDArray halves = Nd4j.createFromArray(new double[][]{{0.5, 0.5, 0, 0}});
        assertEquals(0.5, SwavLoss.normalizedEntropy(halves), 1e-12);
        assertEquals((0.5 + 3 * 1.0) / 4, SwavLoss.normalizedEntropy(halves, uniform), 1e-12);
    }

    @Test
    void sinkhornCodesOfASmallerEpsilonAreSharper() {
        // the codes' entropy is what the CPU-scale epsilon choice is about: same scores, smaller eps, sharper codes
        INDArray scores = Nd4j.rand(DataType.DOUBLE, 64, 30).subi(0.5).muli(0.14); // spread ~0.04, as measured at CPU scale
        var cfg05 = new SwavLoss.Config(2, new int[]{0, 1}, 0.1, 0.05, 3);
        var cfg03 = new SwavLoss.Config(2, new int[]{0, 1}, 0.1, 0.03, 3);
        double h05 = SwavLoss.normalizedEntropy(SwavLoss.codes(scores, 32, cfg05, null));
        double h03 = SwavLoss.normalizedEntropy(SwavLoss.codes(scores, 32, cfg03, null));
        assertTrue(h03 < h05 && h05 < 1, "entropy eps 0.03 " + h03 + " < eps 0.05 " + h05 + " < 1");
        // codes() then swappedPrediction() is compute()
        assertEquals(SwavLoss.compute(scores, 32, cfg05, null).value(),
                SwavLoss.swappedPrediction(scores, 32, cfg05, SwavLoss.codes(scores, 32, cfg05, null)).value(), 1e-12);
    }
}
