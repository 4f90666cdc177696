package io.sslbench.reports;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Number formatting that never depends on the JVM's default locale: '.' as the decimal separator,
 * ASCII digits, no grouping, '-' for negatives. Every number in a table, chart label or report goes
 * through here (or through {@code String.format(Locale.ROOT, ...)}).
 */
public final class Fmt {
    private Fmt() {}

    /**
     * Fixed-point text with {@code decimals} digits, rounded half-up on the exact decimal expansion
     * of the double (so 0.125 with 2 decimals is "0.13", 2.675 is "2.67" because 2.675 is stored as
     * 2.67499999...).
     *
     * @param x        the value; NaN gives "—", infinities "inf"/"-inf"
     * @param decimals digits after the point, 0..12
     */
    public static String fixed(double x, int decimals) {
        if (decimals < 0 || decimals > 12) {
            throw new IllegalArgumentException("Fmt.fixed: decimals must be in 0..12, got " + decimals);
        }
        if (Double.isNaN(x)) {
            return "—";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
        // "-0.0" reads oddly in a table
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** @return a fraction in [0,1] as percent with one decimal, e.g. 0.8472 to "84.7" */
    public static String percent(double fraction) {
        return fixed(fraction * 100.0, 1);
    }

    /**
     * Wall time as {@code "1h 02m 03s"}, {@code "4m 05s"} or {@code "7.5s"}.
     *
     * @param seconds non-negative duration; NaN gives "—"
     */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "—";
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("Fmt.duration: negative duration " + seconds);
        }
        if (seconds < 60) {
            return fixed(seconds, 1) + "s";
        }
        long total = Math.round(seconds);
        long h = total / 3600;
        long m = (total % 3600) / 60;
        long s = total % 60;
        if (h == 0) {
            return m + "m " + twoDigits(s) + "s";
        }
        return h + "h " + twoDigits(m) + "m " + twoDigits(s) + "s";
    }

    private static String twoDigits(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    /** @return integers as plain ASCII digits, non-integers with up to 6 significant decimals, trailing zeros removed */
    public static String plain(double x) {
        if (Double.isNaN(x)) {
            return "—";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        BigDecimal b = new BigDecimal(x).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
        String s = b.scale() < 0 ? b.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : b.toPlainString();
        return s.equals("-0") ? "0" : s;
    }
}
