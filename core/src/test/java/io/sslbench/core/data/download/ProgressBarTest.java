package io.sslbench.core.data.download;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

class ProgressBarTest {
    @Test
    void barFractionAndUnitsAreLocaleIndependent() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("de-DE"));
            String half = ProgressBar.line("f.tar.gz", 85_000_000, 170_000_000, 2.0);
            // 30 cells, 15 filled: 14 '=' then the '>' head
            assertTrue(half.contains("[" + "=".repeat(14) + ">" + " ".repeat(15) + "]"), half);
            assertTrue(half.contains(" 50.0%") && half.contains("85.0/170.0 MB") && half.contains("42.5 MB/s"), half);
            assertTrue(ProgressBar.line("f", 10, 10, 1).contains("[" + "=".repeat(30) + "] 100.0%"));
            assertFalse(ProgressBar.line("f", 3_000_000, -1, 1).contains("%"), "unknown total: no percentage");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void quietDrawsNothingAndFinishEndsTheLine() {
        new ProgressBar(null, "x", 10).finish(); // no stream, no output, no exception
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), "x", 10);
        bar.advance(10);
        bar.finish();
        String s = b.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\r") && s.endsWith(System.lineSeparator()) && s.contains("100.0%"), s);
    }
}
