package io.sslbench.reports;

import java.util.Objects;

/**
 * One table cell: either text, or a statistic shown as {@code mean ± std} with a fixed number of decimals.
 * A statistic keeps its numbers so CSV output and charts can use them without parsing text.
 *
 * @param text     display text (for a statistic: the note shown after the numbers, usually "")
 * @param stat     the statistic, or null for a text cell
 * @param decimals digits after the point for a statistic (0..6)
 */
public record Cell(String text, MeanStd stat, int decimals) {
    /** A value that does not exist for this row (shown as an em dash, empty in CSV). */
    public static final Cell MISSING = new Cell("—", null, 0);

    public Cell {
        Objects.requireNonNull(text, "Cell.text");
        if (decimals < 0 || decimals > 6) {
            throw new IllegalArgumentException("Cell.decimals must be in 0..6, got " + decimals);
        }
    }

    public static Cell text(String text) {
        return new Cell(text, null, 0);
    }

    /** @return a statistic cell; an empty statistic becomes {@link #MISSING} */
    public static Cell stat(MeanStd stat, int decimals) {
        Objects.requireNonNull(stat, "stat");
        return stat.isEmpty() ? MISSING : new Cell("", stat, decimals);
    }

    public boolean isStat() {
        return stat != null;
    }

    public boolean isMissing() {
        return stat == null && text.equals(MISSING.text);
    }

    /**
     * @param pm the plus-minus symbol of the output format
     * @return what a reader sees: {@code "84.7 ± 0.3"}, {@code "84.7"} (one seed), or the text
     */
    public String display(String pm) {
        if (stat == null) {
            return text;
        }
        String s = stat.format(decimals, pm);
        return text.isEmpty() ? s : s + " " + text;
    }

    public String display() {
        return display("±");
    }
}
