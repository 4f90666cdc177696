package io.sslbench.reports;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MeanStdTest {
    @Test
    void sampleStdIsBesselCorrected() {
        // 1,2,3,4: mean 2.5, sum of squared deviations 5, sample variance 5/3
        MeanStd s = MeanStd.of(1, 2, 3, 4);
        assertEquals(2.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3.0), s.std(), 1e-15);
        assertEquals(4, s.n());
    }

    @Test
    void missingValuesAreSkipped() {
        MeanStd s = MeanStd.of(Double.NaN, 0.8, Double.NaN, 0.84);
        assertEquals(2, s.n());
        assertEquals(0.82, s.mean(), 1e-15);
        assertEquals(0.02 * Math.sqrt(2), s.std(), 1e-15);
        assertTrue(MeanStd.of(Double.NaN).isEmpty());
        assertTrue(MeanStd.of().isEmpty());
    }

    @Test
    void oneValueHasNoSpreadAndShowsNoPlusMinus() {
        MeanStd s = MeanStd.of(0.713);
        assertTrue(Double.isNaN(s.std()));
        assertFalse(s.hasSpread());
        assertEquals("71.3", s.scaled(100).format(1));
        assertEquals("82.0 ± 2.0", MeanStd.of(0.80, 0.82, 0.84).scaled(100).format(1));
        assertEquals("—", MeanStd.EMPTY.format(1));
    }

    @Test
    void invalidStatesAreRejectedWithTheFieldName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MeanStd(1, 0.1, -1));
        assertTrue(e.getMessage().contains("MeanStd.n"));
        e = assertThrows(IllegalArgumentException.class, () -> new MeanStd(1, -0.1, 3));
        assertTrue(e.getMessage().contains("MeanStd.std"));
        assertThrows(IllegalArgumentException.class, () -> MeanStd.of(1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> MeanStd.of(1, 2).scaled(0));
    }
}
