package io.sslbench.core.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process statistics for reports: peak resident memory (Linux VmHWM). */
public final class SystemStats {
    private SystemStats() {}

    /** @return peak resident set size in bytes, or -1 where /proc is unavailable */
    public static long peakRssBytes() {
        return statusKb("VmHWM:") * 1024L;
    }

    /** @return current resident set size in bytes, or -1 */
    public static long rssBytes() {
        return statusKb("VmRSS:") * 1024L;
    }

    private static long statusKb(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
