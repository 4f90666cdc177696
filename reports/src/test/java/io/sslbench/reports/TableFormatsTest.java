package io.sslbench.reports;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TableFormatsTest {
    private static ReportTable table() {
        return new ReportTable("demo", "Demo & test", "Caption with 50% and <b>",
                List.of("Method", "kNN top-1 (%)", "Note"),
                List.of(List.of(Cell.text("SimCLR"), Cell.stat(MeanStd.of(0.80, 0.82, 0.84).scaled(100), 1), Cell.text("a|b")),
                        List.of(Cell.text("BYOL"), Cell.stat(MeanStd.of(0.713).scaled(100), 1), Cell.text("x,y")),
                        List.of(Cell.text("none"), Cell.MISSING, Cell.MISSING)),
                List.of("[1] a note with _underscores_"));
    }

    @Test
    void markdownHasOneLinePerRowAndRightAlignsNumbers() {
        String md = TableFormats.markdown(table());
        List<String> lines = md.lines().filter(l -> l.startsWith("|")).toList();
        assertEquals(5, lines.size(), md);
        assertEquals("| Method | kNN top-1 (%) | Note |", lines.get(0));
        assertEquals("|:---|---:|:---|", lines.get(1));
        assertEquals("| SimCLR | 82.0 ± 2.0 | a\\|b |", lines.get(2));
        assertEquals("| BYOL | 71.3 | x,y |", lines.get(3));
        assertEquals("| none | — | — |", lines.get(4));
        assertTrue(md.contains("Caption with 50% and &lt;b&gt;"));
        assertTrue(md.contains("- \\[1\\] a note with \\_underscores\\_"));
    }

    @Test
    void latexIsBooktabsWithEscapedText() {
        String tex = TableFormats.latex(table());
        assertTrue(tex.contains("\\toprule"));
        assertTrue(tex.contains("\\midrule"));
        assertTrue(tex.contains("\\bottomrule"));
        assertTrue(tex.contains("\\begin{tabular}{lrl}"));
        assertTrue(tex.contains("\\caption{Demo \\& test. Caption with 50\\% and \\textless{}b\\textgreater{}}"));
        assertTrue(tex.contains("SimCLR & 82.0 $\\pm$ 2.0 & a|b \\\\"));
        assertTrue(tex.contains("none & --- & --- \\\\"));
        assertTrue(tex.contains("\\label{tab:demo}"));
        // every row of the tabular has as many column separators as the header
        long rows = tex.lines().filter(l -> l.endsWith("\\\\")).count();
        assertEquals(4, rows);
        tex.lines().filter(l -> l.endsWith("\\\\")).forEach(l -> assertEquals(2, l.split(" & ", -1).length - 1, l));
    }

    @Test
    void csvSplitsStatisticsIntoMeanStdAndN() {
        List<List<String>> csv = parseCsv(TableFormats.csv(table()));
        assertEquals(List.of("Method", "kNN top-1 (%)", "kNN top-1 (%) std", "kNN top-1 (%) n", "Note"), csv.get(0));
        assertEquals("SimCLR", csv.get(1).get(0));
        assertEquals(82.0, Double.parseDouble(csv.get(1).get(1)), 1e-9);
        assertEquals(2.0, Double.parseDouble(csv.get(1).get(2)), 1e-9);
        assertEquals("3", csv.get(1).get(3));
        assertEquals("a|b", csv.get(1).get(4));
        assertEquals(List.of("BYOL", "71.3", "", "1", "x,y"), csv.get(2));
        assertEquals(List.of("none", "", "", "0", ""), csv.get(3));
    }

    @Test
    void htmlEscapesEveryCell() {
        ReportTable t = new ReportTable("x", "<t>", "", List.of("<h>"),
                List.<List<Cell>>of(List.of(Cell.text("<img src=x onerror=alert(1)>"))), List.of("<n>"));
        String html = TableFormats.html(t);
        assertFalse(html.contains("<img"));
        assertFalse(html.contains("<h>"));
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assertTrue(html.contains("<li>&lt;n&gt;</li>"));
    }

    @Test
    void rowsMustMatchTheHeader() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReportTable("bad", "t", "",
                List.of("a", "b"), List.<List<Cell>>of(List.of(Cell.text("only one"))), List.of()));
        assertTrue(e.getMessage().contains("row 0 has 1 cells, header has 2"));
        assertThrows(IllegalArgumentException.class, () -> new ReportTable("Bad Id", "t", "", List.of("a"), List.of(), List.of()));
    }

    /** A strict RFC 4180 reader for the assertions (quoted fields, doubled quotes, CRLF). */
    static List<List<String>> parseCsv(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                f.append(c);
            }
        }
        assertEquals(0, f.length(), "CSV must end with CRLF");
        return rows;
    }
}
