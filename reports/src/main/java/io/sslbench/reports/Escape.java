package io.sslbench.reports;

import java.util.Locale;

/** Escaping for each output format. Every piece of text that comes from data goes through one of these. */
public final class Escape {
    private Escape() {}

    /**
     * HTML text and attribute escaping: {@code & < > " '} become entities; control characters other than
     * tab/newline are dropped (they are not allowed in HTML).
     */
    public static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        continue;
                    }
                    sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    /**
     * A Markdown table cell: pipes, backslashes, emphasis and code markers are backslash-escaped,
     * {@code < >} become entities (so no raw HTML gets through a renderer), newlines become spaces.
     */
    public static String markdownCell(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\', '|', '*', '_', '`', '[', ']' -> sb.append('\\').append(c);
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '\n', '\r' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Markdown running text (headings, list items): same rules as a cell except that '|' is harmless. */
    public static String markdownText(String s) {
        return markdownCell(s).replace("\\|", "|");
    }

    /**
     * LaTeX text mode: the ten special characters are escaped, and the few non-ASCII symbols this project
     * prints (± — – × √ τ ≈ ≥ ≤ ·) are mapped to LaTeX so pdflatex accepts the file.
     */
    public static String latex(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\textbackslash{}");
                case '&' -> sb.append("\\&");
                case '%' -> sb.append("\\%");
                case '$' -> sb.append("\\$");
                case '#' -> sb.append("\\#");
                case '_' -> sb.append("\\_");
                case '{' -> sb.append("\\{");
                case '}' -> sb.append("\\}");
                case '~' -> sb.append("\\textasciitilde{}");
                case '^' -> sb.append("\\textasciicircum{}");
                case '<' -> sb.append("\\textless{}");
                case '>' -> sb.append("\\textgreater{}");
                case '±' -> sb.append("$\\pm$");
                case '—' -> sb.append("---");
                case '–' -> sb.append("--");
                case '×' -> sb.append("$\\times$");
                case '√' -> sb.append("$\\surd$");
                case 'τ' -> sb.append("$\\tau$");
                case '≈' -> sb.append("$\\approx$");
                case '≥' -> sb.append("$\\geq$");
                case '≤' -> sb.append("$\\leq$");
                case '·' -> sb.append("$\\cdot$");
                case '\n', '\r' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** RFC 4180 CSV field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
    public static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** @return a file-name-safe slug: lower case ASCII letters, digits and '-' */
    public static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return t.isEmpty() ? "x" : t;
    }
}
