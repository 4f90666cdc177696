package io.sslbench.reports;

import io.sslbench.core.results.ResultRow;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ResultsFrameTest {
    @Test
    void oneTableRowPerRunAndProtocolWithAxisColumns() {
        List<ResultRow> rows = new ArrayList<>(Fixtures.simclrHeadTemperatureRows());
        Table t = ResultsFrame.of(rows);
        assertEquals(rows.size(), t.rowCount());
        assertEquals(List.of("method.head", "method.temperature"), ResultsFrame.axisKeys(t));
        assertEquals(rows.stream().map(ResultRow::runId).distinct().count(), ResultsFrame.runs(t).rowCount());
    }

    @Test
    void tablesawSummaryIsMeanAndSampleStdOfNonMissingValues() {
        List<ResultRow> rows = new ArrayList<>();
        double[] v = {0.70, 0.74, Double.NaN, 0.81};
        for (int i = 0; i < v.length; i++) {
            rows.add(Fixtures.run("r" + i, "", "byol", Map.of(), i, 1, 1, 0.1, false).row("knn", v[i], Double.NaN));
        }
        rows.add(Fixtures.run("solo", "", "swav", Map.of(), 0, 1, 1, 0.1, false).row("knn", 0.5, Double.NaN));
        Map<List<String>, MeanStd> s = ResultsFrame.meanStdBy(ResultsFrame.of(rows), ResultsFrame.TOP1,
                ResultsFrame.METHOD, ResultsFrame.EPOCHS);
        MeanStd byol = s.get(List.of("byol", Integer.toString(Fixtures.EPOCHS)));
        MeanStd expected = MeanStd.of(v);
        assertEquals(3, byol.n());
        assertEquals(expected.mean(), byol.mean(), 1e-12);
        assertEquals(expected.std(), byol.std(), 1e-12);
        // population std would be sqrt(ss/3): make sure that is not what we got
        assertNotEquals(expected.std() * Math.sqrt(2.0 / 3.0), byol.std(), 1e-6);
        MeanStd swav = s.get(List.of("swav", Integer.toString(Fixtures.EPOCHS)));
        assertEquals(1, swav.n());
        assertTrue(Double.isNaN(swav.std()));
    }
}
