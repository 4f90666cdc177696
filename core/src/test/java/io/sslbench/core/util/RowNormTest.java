package io.sslbench.core.util;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class RowNormTest {
    @Test
    void unitRowsSameDirectionZeroRowStaysZero() {
        INDArray x = Nd4j.create(new double[][]{{3, 4}, {0, 0}, {-1, 0}});
        INDArray copy = x.dup();
        INDArray u = RowNorm.l2Normalize(x);
        assertArrayEquals(new double[]{0.6, 0.8}, u.getRow(0).toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{0, 0}, u.getRow(1).toDoubleVector(), 0);
        assertArrayEquals(new double[]{-1, 0}, u.getRow(2).toDoubleVector(), 0);
        assertEquals(copy, x, "input must not be modified");
        assertEquals(DataType.DOUBLE, u.dataType());
    }
}
