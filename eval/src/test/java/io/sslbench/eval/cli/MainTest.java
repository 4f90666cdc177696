package io.sslbench.eval.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

class MainTest {
    private static String[] run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[]{Integer.toString(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    /** Issue 19's quiet console: DL4J/ND4J log at WARN unless --verbose, which is stripped before the command. */
    @Test
    void theConsoleIsQuietByDefaultAndVerboseRestoresInfo() throws Exception {
        Properties p = new Properties();
        try (var in = Main.class.getResourceAsStream("/simplelogger.properties")) {
            p.load(in);
        }
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        String[] r = run("--verbose", "cell", "--help");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Usage: sslbench cell") && r[1].contains("--index=I"), r[1]);
        assertEquals("info", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        String[] none = run();
        assertEquals("2", none[0]);
        assertTrue(none[1].contains("Usage: sslbench") && none[1].contains("--verbose") && none[1].contains("pretrain"),
                none[1]);
    }

    @Test
    void cellNeedsAnIndexAndGridRejectsAnUnknownLauncher() {
        String[] r = run("cell", "--suite", "quick");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("give --index"), r[2]);
        r = run("grid", "--grid", "simclr-head", "--launcher", "kubernetes", "--results", "target/none.jsonl");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--launcher is inline, local or slurm"), r[2]);
    }

    @Test
    void aMisspelledCommandGetsASuggestionAndCompletionOffersThePluginsIds() {
        String[] r = run("pretrian", "--method", "simclr");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("pretrian") && r[2].contains("did you mean 'pretrain'?"), r[2]);
        String[] c = run("completion");
        assertEquals("0", c[0], c[2]);
        assertTrue(c[1].contains("complete -F") && c[1].contains("pretrain") && c[1].contains("simsiam")
                && c[1].contains("simclr-augment"), "a bash script offering the discovered methods and grids");
        String[] typed = run("bench", "--method", "simclr", "--batch", "many");
        assertEquals("2", typed[0]);
        assertTrue(typed[2].contains("--batch") && typed[2].contains("many"), typed[2]);
    }

    @Test
    void aRepeatedOptionKeepsEachValueOnceInOrder() {
        picocli.CommandLine cl = Main.commandLine();
        picocli.CommandLine.ParseResult pr = cl.parseArgs("eval", "--run", "r", "--protocol", "knn", "--protocol",
                "linear", "--protocol=semi1");
        Args a = Args.of(pr.subcommand());
        assertEquals(java.util.List.of("knn", "linear", "semi1"), a.all("protocol"));
        assertEquals("r", a.get("run"));
        assertFalse(a.flag("linear-unaugmented"));
    }

    @Test
    void helpPrintsPercentSignsAndAMisspelledGridGetsASuggestion() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        String[] eval;
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8)); // picocli warns on System.err
            eval = run("eval", "--help");
        } finally {
            System.setErr(stderr);
        }
        assertEquals("0", eval[0]);
        assertTrue(eval[1].contains("1%/10%"), eval[1]);
        assertFalse(warnings.toString(StandardCharsets.UTF_8).contains("Could not format"), warnings.toString());
        String[] grid = run("grid", "--grid", "simclr-hed", "--dry-run", "--results", "target/none.jsonl");
        assertEquals("2", grid[0]);
        assertTrue(grid[2].contains("did you mean 'simclr-head'?"), grid[2]);
    }
}
