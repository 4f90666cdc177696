package io.sslbench.core.results;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The results store under crashes: a torn last line never swallows a later row nor makes the store unreadable. */
class ResultsStoreTest {

    static ResultRow row(String runId, double top1) {
        Provenance p = new Provenance("h", "c", false, 0, "d", "cpu", "17", "m2.1", "linux", "amd64", "t");
        return new ResultRow(runId, "adhoc", "", "", "simclr", Map.of(), "knn", Map.of("top1", top1), "small-cifar",
                "cifar10", 1, 100, 10, 1, 0.05, 128, false, p);
    }

    /** Cuts the file in the middle of its last line, as a writer killed mid-append leaves it. */
    static void tearLastLine(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int lastStart = b.length - 2;
        while (lastStart > 0 && b[lastStart - 1] != '\n') {
            lastStart--;
        }
        Files.write(file, java.util.Arrays.copyOf(b, lastStart + (b.length - lastStart) / 2));
    }

    @Test
    void anAppendAfterATornLineStartsOnAFreshLineAndTheTornLineIsSetAside(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("results.jsonl");
        ResultsStore store = new ResultsStore(file);
        store.append(List.of(row("a", 0.1), row("b", 0.2)));
        tearLastLine(file);
        String torn = Files.readString(file).substring(Files.readString(file).lastIndexOf('\n') + 1);
        assertFalse(torn.isEmpty());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(List.of("a"), store.readAll().stream().map(ResultRow::runId).toList());
            store.append(row("c", 0.3));
            store.append(row("d", 0.4));
        } finally {
            System.setErr(saved);
        }
        assertEquals(List.of("a", "c", "d"), store.readAll().stream().map(ResultRow::runId).toList(),
                "the rows appended after the crash are all readable");
        String warnings = err.toString(StandardCharsets.UTF_8);
        assertTrue(warnings.contains(file + " line 2"), warnings);
        Path aside = dir.resolve("results.jsonl.torn");
        assertTrue(warnings.contains(aside.toString()), warnings);
        assertEquals(torn + "\n", Files.readString(aside), "the torn bytes are kept, not dropped");
    }

    @Test
    void aCompleteRowMissingOnlyItsNewlineIsKept(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("results.jsonl");
        Files.writeString(file, ResultsStore.toJson(row("a", 0.1)) + "\n" + ResultsStore.toJson(row("b", 0.2)));
        ResultsStore store = new ResultsStore(file);
        store.append(row("c", 0.3));
        assertEquals(List.of("a", "b", "c"), store.readAll().stream().map(ResultRow::runId).toList());
        assertFalse(Files.exists(dir.resolve("results.jsonl.torn")));
    }

    @Test
    void aCorruptLineInsideTheFileIsAnErrorNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("results.jsonl");
        Files.writeString(file, ResultsStore.toJson(row("a", 0.1)) + "\n{\"runId\": \"x\", \"proto\n"
                + ResultsStore.toJson(row("b", 0.2)) + "\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ResultsStore(file).readAll());
        assertTrue(e.getMessage().contains(file + " line 2"), e.getMessage());
    }

    /**
     * Issue 17: many writers at once (threads here; cluster tasks on other nodes in production), each writing its cell's
     * rows as a file of its own and appending to the store file, while a reader reads: every row lands exactly once, no
     * row is torn, and the reader never sees a partial cell file.
     */
    @Test
    void concurrentWritersOfCellFilesAndAppendsLoseAndTearNothing(@TempDir Path dir) throws Exception {
        ResultsStore store = new ResultsStore(dir.resolve("results.jsonl"));
        int writers = 8, cellsEach = 20, rowsPerCell = 3;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers + 1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.Future<Integer> reader = pool.submit(() -> {
            int reads = 0;
            while (!done.get()) {
                for (ResultRow r : store.readAll()) {
                    assertNotNull(r.runId());
                }
                java.util.Map<String, Long> perCell = new java.util.HashMap<>();
                store.readAll().stream().filter(r -> r.runId().startsWith("cell-"))
                        .forEach(r -> perCell.merge(r.runId(), 1L, Long::sum));
                perCell.forEach((k, n) -> assertEquals(rowsPerCell, n, "a cell file is seen whole: " + k));
                reads++;
            }
            return reads;
        });
        List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            fs.add(pool.submit(() -> {
                for (int c = 0; c < cellsEach; c++) {
                    String cell = "cell-" + id + "-" + c;
                    List<ResultRow> rows = new java.util.ArrayList<>();
                    for (int k = 0; k < rowsPerCell; k++) {
                        rows.add(row(cell, k / 10.0));
                    }
                    store.writeCell(cell, rows);
                    store.append(row("append-" + id + "-" + c, 0.5));
                }
                return null;
            }));
        }
        for (var f : fs) {
            f.get();
        }
        done.set(true);
        assertTrue(reader.get() > 0);
        pool.shutdown();
        List<ResultRow> all = store.readAll();
        assertEquals(writers * cellsEach * (rowsPerCell + 1), all.size());
        assertEquals(all.size(), all.stream().map(r -> r.runId() + "|" + r.metric("top1")).distinct().count(),
                "every row exactly once");
        assertEquals(writers * cellsEach, Files.list(store.cellDir()).count(), "one file per cell, no temporary left");
        // a rewritten cell replaces its file
        store.writeCell("cell-0-0", List.of(row("cell-0-0", 0.9)));
        assertEquals(1, store.readAll().stream().filter(r -> r.runId().equals("cell-0-0")).count());
    }

    @Test
    void aCorruptCellFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        ResultsStore store = new ResultsStore(dir.resolve("results.jsonl"));
        store.writeCell("a", List.of(row("a", 0.1)));
        Files.writeString(store.cellDir().resolve("b.jsonl"), "{not a row\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, store::readAll);
        assertTrue(e.getMessage().contains("b.jsonl") && e.getMessage().contains("line 1"), e.getMessage());
    }
}
