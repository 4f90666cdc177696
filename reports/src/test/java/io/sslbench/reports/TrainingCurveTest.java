package io.sslbench.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TrainingCurveTest {
    @TempDir
    Path dir;

    @Test
    void readsLinesWithMissingNullAndNaNValues() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        Files.writeString(f, """
                {"step": 0, "epoch": 0, "loss": 4.5, "lr": 0.1, "momentum": 0.99, "imgPerSec": 100.5, "collapseStd": 0.05, "probeAcc": 0.1}
                {"step": 1, "loss": 4.4, "extra": "ignored"}

                {"step": 2, "epoch": 0, "loss": null, "collapseStd": NaN, "knnTop1": 0.31}
                """);
        TrainingCurve c = TrainingCurve.read("r1", f);
        assertEquals("r1", c.runId());
        assertEquals(3, c.lines().size());
        assertEquals(8, c.lines().get(0).size());
        assertEquals(2, c.lines().get(1).size());
        assertFalse(c.lines().get(2).containsKey(TrainingCurve.LOSS));
        assertFalse(c.lines().get(2).containsKey(TrainingCurve.COLLAPSE_STD));
        double[][] loss = c.points(TrainingCurve.STEP, TrainingCurve.LOSS);
        assertArrayEquals(new double[]{0, 1}, loss[0]);
        assertArrayEquals(new double[]{4.5, 4.4}, loss[1]);
        double[][] knn = c.points(TrainingCurve.EPOCH, TrainingCurve.KNN_TOP1);
        assertArrayEquals(new double[]{0}, knn[0]);
        assertArrayEquals(new double[]{0.31}, knn[1]);
    }

    @Test
    void tornLastLineIsSkipped() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        Files.writeString(f, "{\"step\": 0, \"loss\": 1.0}\n{\"step\": 1, \"lo");
        assertEquals(1, TrainingCurve.read("r", f).lines().size());
    }

    @Test
    void badLinesNameTheFileLineAndKey() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        Files.writeString(f, "{\"step\": 0}\n{\"step\": 1, \"loss\": \"high\"}\n{\"step\": 2}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingCurve.read("r", f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("'loss'"), e.getMessage());

        Files.writeString(f, "{\"step\": 0}\n{not json\n{\"step\": 2}\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainingCurve.read("r", f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());

        Files.writeString(f, "[1, 2]\n{\"step\": 2}\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainingCurve.read("r", f));
        assertTrue(e.getMessage().contains("line 1: expected a JSON object"), e.getMessage());
    }

    @Test
    void aggregateAveragesRunsAtEachX() {
        TrainingCurve a = Curves.run("a", 3, 2, s -> s, s -> 0.1, e -> 0.5 + 0.1 * e);
        TrainingCurve b = Curves.run("b", 2, 2, s -> s + 2, s -> 0.1, e -> 0.7 + 0.1 * e);
        var pts = CurveStats.aggregate(java.util.List.of(a, b), TrainingCurve.EPOCH, TrainingCurve.KNN_TOP1);
        assertEquals(3, pts.size());
        assertEquals(0.6, pts.get(0).y().mean(), 1e-12);
        assertEquals(0.1 * Math.sqrt(2), pts.get(0).y().std(), 1e-12);
        assertEquals(1, pts.get(2).y().n()); // only run a reached epoch 2
        assertEquals(0.7, pts.get(2).y().mean(), 1e-12);
    }

    @Test
    void downsampleKeepsShortCurvesAndAveragesBuckets() {
        TrainingCurve a = Curves.run("a", 1, 10, s -> s, s -> 0, e -> 0);
        var pts = CurveStats.aggregate(java.util.List.of(a), TrainingCurve.STEP, TrainingCurve.LOSS);
        assertSame(pts, CurveStats.downsample(pts, 10));
        var d = CurveStats.downsample(pts, 5);
        assertEquals(5, d.size());
        for (int b = 0; b < 5; b++) {
            assertEquals(2 * b + 0.5, d.get(b).x(), 1e-12); // steps {2b, 2b+1}
            assertEquals(2 * b + 0.5, d.get(b).y().mean(), 1e-12); // loss = step
        }
    }
}
