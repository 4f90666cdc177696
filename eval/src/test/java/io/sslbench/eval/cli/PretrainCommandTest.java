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

    /** Runs {@code sslbench pretrain ARGS}; @return its exit code and everything it printed */
    private static String[] cli(String... args) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        PrintStream ps = new PrintStream(b, true, java.nio.charset.StandardCharsets.UTF_8);
        String[] argv = new String[args.length + 1];
        argv[0] = "pretrain";
        System.arraycopy(args, 0, argv, 1, args.length);
        int rc = Main.run(argv, ps, ps);
        return new String[]{Integer.toString(rc), b.toString(java.nio.charset.StandardCharsets.UTF_8)};
    }

    @Test
    void anUnknownMethodListsTheValidOnes() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> new PretrainCommand().run(
                Args.of(java.util.Map.of("method", java.util.List.of("simclrr"))), QUIET));
        assertTrue(e.getMessage().contains("simclrr") && e.getMessage().contains("simclr,")
                && e.getMessage().contains("byol") && e.getMessage().contains("swav"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'simclr'?"), e.getMessage());
    }

    @Test
    void anUnwritableOutIsReportedWithItsCauseBeforeAnyDataIsLoaded(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path emptyRoot = Files.createDirectories(tmp.resolve("no-data")); // loading data here would fail differently
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new PretrainCommand().run(Args.of(
                java.util.Map.of("method", java.util.List.of("simclr"), "set", java.util.List.of("data.download=false"),
                        "data-root", java.util.List.of(emptyRoot.toString()), "out",
                        java.util.List.of(file.resolve("run").toString()))), QUIET));
        assertTrue(e.getMessage().contains(file.resolve("run").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("FileAlreadyExistsException") || e.getMessage().contains("Not a directory"),
                e.getMessage());
    }

    @Test
    void misspelledOptionsAndTypedValuesAreUsageErrorsWithSuggestions() {
        String[] r = cli("--methd", "simclr");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("--methd") && r[1].contains("did you mean '--method'?"), r[1]);
        String[] help = cli("--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("--method=M") && help[1].contains("--set=KEY=VALUE") && help[1].contains("byol"),
                "generated help, the method ids from the plug-ins: " + help[1]);
    }
}
