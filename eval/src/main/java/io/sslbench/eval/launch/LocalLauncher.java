package io.sslbench.eval.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs a suite's cells on this machine, {@code parallel} at a time, each the {@code cell} command in a JVM of its own
 * (the same code path as a SLURM task). With devices given, each of the {@code parallel} slots owns one device and its
 * JVMs see only that one ({@code CUDA_VISIBLE_DEVICES}). A failed cell is run again up to {@code retries} times, then
 * marked failed with its log path ({@link LaunchRecords}).
 */
public final class LocalLauncher {
    private LocalLauncher() {}

    /**
     * @param devices one device id per slot (e.g. GPU ids), or empty for none
     * @return the indices that ended failed
     */
    public static List<Integer> run(String suite, List<Integer> indices, int parallel, List<String> devices, int retries,
                                    CellCommandLine cell, PrintStream out) {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be >= 1, got " + parallel);
        }
        if (!devices.isEmpty() && devices.size() != parallel) {
            throw new IllegalArgumentException("--devices names " + devices.size() + " devices for " + parallel
                    + " parallel slots: give one per slot");
        }
        Path launch = cell.launchDir(suite);
        Path logs = launch.resolve("logs");
        LinkedBlockingQueue<Integer> todo = new LinkedBlockingQueue<>(indices);
        List<Integer> failed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            Files.createDirectories(logs);
            List<Future<?>> slots = new ArrayList<>();
            for (int slot = 0; slot < parallel; slot++) {
                String device = devices.isEmpty() ? null : devices.get(slot);
                slots.add(pool.submit(() -> {
                    Integer i;
                    while ((i = todo.poll()) != null) {
                        if (!runWithRetries(i, device, retries, cell, launch, logs, out)) {
                            failed.add(i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : slots) {
                f.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log folder " + logs, e);
        } catch (Exception e) {
            throw new IllegalStateException("local launcher: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        return failed.stream().sorted().toList();
    }

    private static boolean runWithRetries(int index, String device, int retries, CellCommandLine cell, Path launch,
                                          Path logs, PrintStream out) throws IOException, InterruptedException {
        Path log = logs.resolve("local-" + index + ".out");
        while (true) {
            ProcessBuilder pb = new ProcessBuilder(cell.command(Integer.toString(index))).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (device != null) {
                pb.environment().put("CUDA_VISIBLE_DEVICES", device);
            }
            long t0 = System.nanoTime();
            int rc = pb.start().waitFor();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (rc == 0) {
                LaunchRecords.clear(launch, index);
                synchronized (out) {
                    out.printf(Locale.ROOT, "  cell %d done (%.0f s%s)%n", index, secs, device == null ? "" : ", device " + device);
                }
                return true;
            }
            int attempts = LaunchRecords.failedAttempt(launch, index);
            if (attempts > retries) {
                LaunchRecords.markFailed(launch, index, "exit " + rc + " after " + attempts + " attempts; log " + log);
                synchronized (out) {
                    out.printf(Locale.ROOT, "  cell %d FAILED (exit %d, %d attempts): log %s%n", index, rc, attempts, log);
                }
                return false;
            }
            synchronized (out) {
                out.printf(Locale.ROOT, "  cell %d failed (exit %d), retry %d of %d%n", index, rc, attempts, retries);
            }
        }
    }
}
