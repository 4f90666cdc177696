package io.sslbench.core.engine;

import java.io.PrintStream;
import java.util.Locale;

/** One-line console progress bar: epoch, step, loss, img/s, ETA. Quiet mode prints nothing. */
final class Progress {
    private final PrintStream out;
    private final boolean quiet;
    private long lastPrint;
    private double emaIps = Double.NaN;
    private double emaStepSeconds = Double.NaN;

    Progress(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet || out == null;
    }

    void update(int epoch, int epochs, long batch, long perEpoch, double loss, double ips, double stepSeconds,
                long stepsDone, long total) {
        emaIps = Double.isNaN(emaIps) ? ips : 0.9 * emaIps + 0.1 * ips;
        emaStepSeconds = Double.isNaN(emaStepSeconds) ? stepSeconds : 0.9 * emaStepSeconds + 0.1 * stepSeconds;
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrint < 200_000_000L && batch != perEpoch) {
            return;
        }
        lastPrint = now;
        int width = 24;
        int filled = (int) (width * batch / Math.max(1, perEpoch));
        String bar = "=".repeat(filled) + (filled < width ? ">" : "") + " ".repeat(Math.max(0, width - filled - 1));
        long remainingSteps = total - stepsDone;
        out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s] %d/%d  loss %.4f  %.1f img/s  ETA %s   ", epoch + 1, epochs,
                bar, batch, perEpoch, loss, emaIps, eta(remainingSteps * emaStepSeconds)));
        out.flush();
    }

    static String eta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    void done() {
        if (!quiet) {
            out.println();
        }
    }
}
