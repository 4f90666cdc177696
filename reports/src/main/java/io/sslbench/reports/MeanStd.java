package io.sslbench.reports;

import java.util.Locale;

/**
 * Mean and sample standard deviation of {@code n} values (e.g. one accuracy per seed).
 *
 * <p>{@code mean = (1/n) sum x_i}; {@code std = sqrt( sum (x_i - mean)^2 / (n - 1) )} (Bessel-corrected,
 * the "sample" std), NaN when {@code n < 2}. With {@code n = 0} the mean is NaN too.
 *
 * @param mean arithmetic mean, NaN when {@code n == 0}
 * @param std  sample standard deviation, NaN when {@code n < 2}
 * @param n    number of values that went in (missing values are not counted)
 */
public record MeanStd(double mean, double std, int n) {
    /** No values. */
    public static final MeanStd EMPTY = new MeanStd(Double.NaN, Double.NaN, 0);

    public MeanStd {
        if (n < 0) {
            throw new IllegalArgumentException("MeanStd.n must be >= 0, got " + n);
        }
        if (n == 0 && !Double.isNaN(mean)) {
            throw new IllegalArgumentException("MeanStd.mean must be NaN when n == 0, got " + mean);
        }
        if (n > 0 && !Double.isFinite(mean)) {
            throw new IllegalArgumentException("MeanStd.mean must be finite when n = " + n + ", got " + mean);
        }
        if (n < 2) {
            std = Double.NaN;
        } else if (!(std >= 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("MeanStd.std must be finite and >= 0 when n = " + n + ", got " + std);
        }
    }

    /**
     * Mean and sample std of the finite values; NaN entries (missing metrics) are skipped.
     *
     * @param values any number of values, NaN meaning "missing"
     * @return the summary over the non-NaN values
     */
    public static MeanStd of(double... values) {
        int n = 0;
        double sum = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                if (Double.isInfinite(v)) {
                    throw new IllegalArgumentException("MeanStd.of: infinite value " + v);
                }
                n++;
                sum += v;
            }
        }
        if (n == 0) {
            return EMPTY;
        }
        double mean = sum / n;
        if (n == 1) {
            return new MeanStd(mean, Double.NaN, 1);
        }
        double ss = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        return new MeanStd(mean, Math.sqrt(ss / (n - 1)), n);
    }

    /** @return true when there is no value */
    public boolean isEmpty() {
        return n == 0;
    }

    /** @return whether a ± part is shown: two values or more */
    public boolean hasSpread() {
        return n >= 2;
    }

    /** @return mean and std multiplied by {@code k > 0} (e.g. 100 for percent) */
    public MeanStd scaled(double k) {
        if (!(k > 0)) {
            throw new IllegalArgumentException("MeanStd.scaled: factor must be > 0, got " + k);
        }
        return n == 0 ? this : new MeanStd(mean * k, std * k, n);
    }

    /**
     * Locale-independent text: {@code "84.7 ± 0.3"}, {@code "84.7"} when n = 1, {@code "—"} when empty.
     *
     * @param decimals digits after the decimal point (0..6)
     * @param pm       the plus-minus symbol to use (e.g. "±", or {@code "$\pm$"} for LaTeX)
     */
    public String format(int decimals, String pm) {
        if (n == 0) {
            return "—";
        }
        String m = Fmt.fixed(mean, decimals);
        return hasSpread() ? m + " " + pm + " " + Fmt.fixed(std, decimals) : m;
    }

    /** {@link #format(int, String)} with "±". */
    public String format(int decimals) {
        return format(decimals, "±");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MeanStd[mean=%s, std=%s, n=%d]", mean, std, n);
    }
}
