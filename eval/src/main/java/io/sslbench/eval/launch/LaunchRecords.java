package io.sslbench.eval.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A suite's launch records in {@code <runs>/_launch/<suite>/}, shared by the cluster tasks and the local launcher:
 * {@code <index>.attempts} (failed attempts so far) and {@code <index>.failed} (the cell gave up: exit code and log path).
 */
public final class LaunchRecords {
    private LaunchRecords() {}

    /** @return the failure record of a cell ("exit 1 after 3 attempts; log ..."), or null when it has none */
    public static String failure(Path launchDir, int index) {
        Path f = launchDir.resolve(index + ".failed");
        try {
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return "unreadable failure record " + f + ": " + e.getMessage();
        }
    }

    /** Records a failed attempt; returns the number of failed attempts so far. */
    static int failedAttempt(Path launchDir, int index) throws IOException {
        Files.createDirectories(launchDir);
        Path f = launchDir.resolve(index + ".attempts");
        int n = Files.isRegularFile(f) ? Integer.parseInt(Files.readString(f, StandardCharsets.UTF_8).strip()) + 1 : 1;
        Files.writeString(f, n + "\n", StandardCharsets.UTF_8);
        return n;
    }

    /** Marks a cell failed. */
    static void markFailed(Path launchDir, int index, String text) throws IOException {
        Files.createDirectories(launchDir);
        Files.writeString(launchDir.resolve(index + ".failed"), text + "\n", StandardCharsets.UTF_8);
    }

    /** Forgets a cell's attempts and failure (it is submitted again, or it succeeded). */
    static void clear(Path launchDir, int index) throws IOException {
        Files.deleteIfExists(launchDir.resolve(index + ".attempts"));
        Files.deleteIfExists(launchDir.resolve(index + ".failed"));
    }
}
