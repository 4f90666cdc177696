package io.sslbench.eval.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Misuse of the pretrain command gets errors that name the cause (issue 16, item 9). */
class PretrainCommandTest {
    static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @Test
    void anUnknownMethodListsTheValidOnes() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> new PretrainCommand().run(
                new String[]{"--method", "simclrr"}, QUIET));
        assertTrue(e.getMessage().contains("simclrr") && e.getMessage().contains("simclr,")
                && e.getMessage().contains("byol") && e.getMessage().contains("swav"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'simclr'?"), e.getMessage());
    }

    @Test
    void anUnwritableOutIsReportedWithItsCauseBeforeAnyDataIsLoaded(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path emptyRoot = Files.createDirectories(tmp.resolve("no-data")); // loading data here would fail differently
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new PretrainCommand().run(new String[]{
                "--method", "simclr", "--set", "data.download=false", "--data-root", emptyRoot.toString(),
                "--out", file.resolve("run").toString()}, QUIET));
        assertTrue(e.getMessage().contains(file.resolve("run").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("FileAlreadyExistsException") || e.getMessage().contains("Not a directory"),
                e.getMessage());
    }
}
