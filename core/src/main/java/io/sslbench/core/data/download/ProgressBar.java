package io.sslbench.core.data.download;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar, redrawn in place with {@code \r} at most every 200 ms:
 * {@code label [=========>          ]  45.2%   76.5/170.5 MB  12.3 MB/s}. With an unknown total it shows the
 * bytes and speed only. A null stream makes it silent (quiet mode).
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long done;

    /** @param out where to draw (null: quiet) @param total expected bytes, or -1 if unknown */
    public ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** Records {@code n} more bytes and redraws if due. */
    public void advance(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw > 200_000_000L) {
            lastDraw = now;
            draw(false);
        }
    }

    /** Draws the final state and ends the line. */
    public void finish() {
        draw(true);
    }

    /** @return the line for {@code done} of {@code total} bytes after {@code seconds} (no {@code \r}) */
    static String line(String label, long done, long total, double seconds) {
        double mb = done / 1e6;
        String speed = String.format(Locale.ROOT, "%6.1f MB/s", seconds > 0 ? mb / seconds : 0.0);
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s %8.1f MB  %s", label, mb, speed);
        }
        double frac = Math.min(1.0, (double) done / total);
        int fill = (int) Math.round(frac * WIDTH);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < fill - 1 || (i == fill - 1 && fill == WIDTH) ? '=' : i == fill - 1 ? '>' : ' ');
        }
        bar.append(']');
        return String.format(Locale.ROOT, "%s %s %5.1f%% %8.1f/%.1f MB  %s", label, bar, 100 * frac, mb, total / 1e6, speed);
    }

    private void draw(boolean last) {
        if (out == null) {
            return;
        }
        out.print("\r" + line(label, done, total, (System.nanoTime() - start) / 1e9));
        if (last) {
            out.println();
        }
        out.flush();
    }
}
