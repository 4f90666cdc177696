package io.sslbench.core.engine;

import io.sslbench.core.loss.LossResult;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 19: a method's named head outputs, split for its loss and its named gradients joined for the engine. */
class HeadOutputsTest {
    @Test
    void namedOutputsAreColumnBlocksAndNamedGradientsJoinWithZerosForTheRest() {
        HeadOutputs zp = HeadOutputs.of("z", 2).and("p", 3);
        INDArray merged = Nd4j.arange(10).castTo(DataType.DOUBLE).reshape(2, 5);
        HeadOutputs.Values v = zp.values(merged);
        assertEquals(Nd4j.createFromArray(new double[][]{{0, 1}, {5, 6}}), v.get("z"));
        assertEquals(Nd4j.createFromArray(new double[][]{{2, 3, 4}, {7, 8, 9}}), v.get("p"));
        assertEquals(Nd4j.createFromArray(new double[][]{{7, 8, 9}}), v.rows("p", 1, 1));
        INDArray gp = Nd4j.ones(DataType.DOUBLE, 2, 3);
        LossResult r = v.gradient(1.5, Map.of("p", gp));
        assertEquals(1.5, r.value());
        assertEquals(Nd4j.createFromArray(new double[][]{{0, 0, 1, 1, 1}, {0, 0, 1, 1, 1}}), r.gradient(0),
                "z without a gradient gets zeros, p its own, in column order");
        v.get("z").assign(-1);
        assertEquals(0.0, merged.getDouble(0, 0), "get returns a copy: the loss cannot write into the output");
    }

    @Test
    void aSingleOutputIsTheWholeHeadOutput() {
        INDArray merged = Nd4j.rand(DataType.DOUBLE, 4, 7);
        HeadOutputs.Values v = HeadOutputs.single().values(merged);
        assertSame(merged, v.get(HeadOutputs.OUT));
        assertSame(merged, v.merged());
        INDArray g = Nd4j.rand(DataType.DOUBLE, 4, 7);
        assertSame(g, v.gradient(0, Map.of(HeadOutputs.OUT, g)).gradient(0));
    }

    @Test
    void mistakesNameTheOutputs() {
        HeadOutputs zp = HeadOutputs.of("z", 2).and("p", 3);
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> zp.values(Nd4j.zeros(DataType.DOUBLE, 2, 4)));
        assertTrue(width.getMessage().contains("[z, p]"), width.getMessage());
        HeadOutputs.Values v = zp.values(Nd4j.zeros(DataType.DOUBLE, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> v.get("q"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> v.gradient(0, Map.of("zz", Nd4j.zeros(2, 2))));
        assertTrue(unknown.getMessage().contains("zz"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeadOutputs.of("z", 2).and("z", 2));
    }
}
