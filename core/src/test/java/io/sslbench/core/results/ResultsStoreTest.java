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
}
