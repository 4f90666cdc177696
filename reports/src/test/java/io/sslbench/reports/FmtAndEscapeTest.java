package io.sslbench.reports;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FmtAndEscapeTest {
    @Test
    void fixedRoundsHalfUpOnTheExactBinaryValue() {
        assertEquals("0.13", Fmt.fixed(0.125, 2)); // 0.125 is exact in binary
        assertEquals("2.67", Fmt.fixed(2.675, 2)); // 2.675 is 2.67499999... in binary
        assertEquals("0.0", Fmt.fixed(-0.01, 1));
        assertEquals("-1.5", Fmt.fixed(-1.5, 1));
        assertEquals("1234567.0", Fmt.fixed(1234567, 1)); // no grouping
        assertEquals("—", Fmt.fixed(Double.NaN, 2));
        assertEquals("84.7", Fmt.percent(0.8472));
    }

    @Test
    void durations() {
        assertEquals("7.5s", Fmt.duration(7.5));
        assertEquals("4m 05s", Fmt.duration(245));
        assertEquals("1h 02m 03s", Fmt.duration(3723));
        assertThrows(IllegalArgumentException.class, () -> Fmt.duration(-1));
    }

    @Test
    void plainDropsTrailingZeros() {
        assertEquals("0.82", Fmt.plain(0.82));
        assertEquals("200", Fmt.plain(200.0));
        assertEquals("0.014142", Fmt.plain(0.01 * Math.sqrt(2)));
    }

    @Test
    void htmlEscapesMarkupAndQuotes() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
                Escape.html("<script>alert(\"x\")</script> & 'y'"));
        assertEquals("ab", Escape.html("a\u0000b"));
    }

    @Test
    void latexEscapesTheTenSpecialsAndMapsSymbols() {
        assertEquals("50\\% \\& \\$5 \\#1 a\\_b \\{c\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}",
                Escape.latex("50% & $5 #1 a_b {c} ~ ^ \\"));
        assertEquals("82.0 $\\pm$ 2.0 --- $\\tau$", Escape.latex("82.0 ± 2.0 — τ"));
    }

    @Test
    void csvQuotesOnlyWhenNeeded() {
        assertEquals("plain", Escape.csv("plain"));
        assertEquals("\"a,b\"", Escape.csv("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Escape.csv("say \"hi\""));
        assertEquals("\"two\nlines\"", Escape.csv("two\nlines"));
    }

    @Test
    void markdownCellsCannotBreakTheTable() {
        assertEquals("a \\| b \\_c\\_ &lt;b&gt;", Escape.markdownCell("a | b _c_ <b>"));
        assertEquals("x y", Escape.markdownCell("x\ny"));
    }
}
