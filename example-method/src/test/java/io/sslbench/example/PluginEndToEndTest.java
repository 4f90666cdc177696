package io.sslbench.example;

import io.sslbench.core.engine.MethodCards;
import io.sslbench.core.results.ResultRow;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 19's proof: a method that nothing outside this module names is discovered, pretrained on real CIFAR-10 images,
 * evaluated and reported through the harness's own CLI.
 */
class PluginEndToEndTest {
    private static Path dataRoot() {
        String p = System.getProperty("sslbench.shared");
        Path shared = p == null ? Path.of("/work/shared") : Path.of(p);
        Path d = shared.resolve("datasets");
        assertTrue(Files.isDirectory(d.resolve("cifar10-jpg")), "shared data missing at " + d + " (set -Dsslbench.shared)");
        return d;
    }

    private static String run(String... argv) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = Main.run(argv, ps, ps);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, String.join(" ", argv) + " failed:\n" + out);
        return out;
    }

    @Test
    void pretrainEvaluateAndReportThroughTheCli(@TempDir Path tmp) throws Exception {
        assertEquals("Align-Uniform", MethodCards.displayName("align-uniform"));
        Path runDir = tmp.resolve("runs/align-uniform");
        Path results = tmp.resolve("results.jsonl");
        run("pretrain", "--method", "align-uniform", "--data-root", dataRoot().toString(), "--out", runDir.toString(),
                "--quiet", "--set", "epochs=1", "--set", "batchSize=32", "--set", "backbone=small-cifar",
                "--set", "data.subset=256", "--set", "data.evalSubset=500", "--set", "data.testSubset=200",
                "--set", "method.hidden=64", "--set", "method.dim=32");
        assertTrue(Files.isRegularFile(runDir.resolve("model.zip")), "the run wrote its model");
        String metrics = Files.readString(runDir.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"loss\""), metrics);

        run("eval", "--run", runDir.toString(), "--protocol", "knn", "--protocol", "random-init-knn",
                "--results", results.toString(), "--data-root", dataRoot().toString());
        List<ResultRow> rows = new ResultsStore(results).readAll();
        assertEquals(List.of("knn", "random-init-knn"), rows.stream().map(ResultRow::protocol).sorted().toList());
        for (ResultRow r : rows) {
            assertEquals("align-uniform", r.method());
            double top1 = r.metric("top1");
            assertTrue(top1 > 0.05 && top1 < 1, "a real kNN accuracy on 10 classes: " + top1);
        }

        Path out = tmp.resolve("report");
        run("report", "--results", results.toString(), "--runs", tmp.resolve("runs").toString(), "--out", out.toString());
        String md = Files.readString(out.resolve("report/report.md"));
        assertTrue(md.contains("Align-Uniform"), "the report names the method by its card's display name");
        assertTrue(md.contains("the paper's AlexNet-style encoders"), "and lists its deviations");
    }
}
