package io.sslbench.eval.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a suite's cells as one SLURM job array ({@code sbatch --array}), a task per cell, each task the {@code cell}
 * command of {@link CellCommandLine}: the same code path as a local run, its run folder and rows on the shared file
 * system. The batch script (see {@link #script}) asks for a warning signal before the time limit
 * ({@code --signal=B:USR1@S}); on it, or on {@code scancel --signal=USR1 --batch}, the task stops its training with a
 * checkpoint (SIGTERM to the JVM, whose shutdown hook asks the trainer to stop) and requeues itself
 * ({@code scontrol requeue}); the requeued task resumes the run folder exactly. A task that fails otherwise is
 * requeued up to {@code retries} times, then marked failed with its log path ({@link LaunchRecords}).
 */
public final class SlurmLauncher {
    private SlurmLauncher() {}

    /**
     * sbatch resources.
     *
     * @param partition        partition, or null for the cluster's default
     * @param gpusPerTask      GPUs per task (0: none; SLURM sets CUDA_VISIBLE_DEVICES)
     * @param cpusPerTask      CPUs per task
     * @param mem              memory per task ("8G"), or null for the default
     * @param time             time limit ("HH:MM:SS"), or null for the partition's
     * @param arrayParallelism tasks running at once ({@code %K}; 0: no limit)
     * @param retries          requeues of a failed (not preempted) task before it is marked failed
     * @param signalSeconds    seconds before the time limit at which the task is warned (USR1) to checkpoint
     */
    public record Options(String partition, int gpusPerTask, int cpusPerTask, String mem, String time,
                          int arrayParallelism, int retries, int signalSeconds) {
        public Options {
            if (gpusPerTask < 0 || cpusPerTask < 1 || arrayParallelism < 0 || retries < 0 || signalSeconds < 1) {
                throw new IllegalArgumentException("SLURM options out of range: gpus-per-task " + gpusPerTask
                        + ", cpus-per-task " + cpusPerTask + ", array-parallelism " + arrayParallelism + ", retries "
                        + retries + ", signal seconds " + signalSeconds);
            }
            if (time != null && !time.matches("(\\d+-)?\\d{1,2}(:\\d{2}){0,2}")) {
                throw new IllegalArgumentException("--time must be SLURM's [D-]HH:MM:SS, got '" + time + "'");
            }
        }
    }

    /** @return the job name of a suite's array: {@code sslbench-<suite>} */
    public static String jobName(String suite) {
        return "sslbench-" + suite.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * The batch script of a suite's array (pure: no file or process is touched).
     *
     * @param suite   the suite's name
     * @param indices the cells to run (indices of {@code SuiteRunner.plan}), at least one
     * @param cell    the task command
     * @param workDir the directory the task starts in (the submitting one)
     */
    public static String script(String suite, List<Integer> indices, Options o, CellCommandLine cell, Path workDir) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("no cells to submit");
        }
        Path launch = cell.launchDir(suite);
        Path logs = launch.resolve("logs");
        String array = indices.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (o.arrayParallelism() > 0 ? "%" + o.arrayParallelism() : "");
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("#SBATCH --job-name=").append(jobName(suite)).append('\n');
        s.append("#SBATCH --array=").append(array).append('\n');
        s.append("#SBATCH --cpus-per-task=").append(o.cpusPerTask()).append('\n');
        if (o.gpusPerTask() > 0) {
            s.append("#SBATCH --gpus-per-task=").append(o.gpusPerTask()).append('\n');
        }
        if (o.partition() != null) {
            s.append("#SBATCH --partition=").append(o.partition()).append('\n');
        }
        if (o.mem() != null) {
            s.append("#SBATCH --mem=").append(o.mem()).append('\n');
        }
        if (o.time() != null) {
            s.append("#SBATCH --time=").append(o.time()).append('\n');
        }
        s.append("#SBATCH --signal=B:USR1@").append(o.signalSeconds()).append('\n');
        s.append("#SBATCH --requeue\n");
        s.append("#SBATCH --open-mode=append\n");
        s.append("#SBATCH --output=").append(logs.resolve("%A_%a.out")).append('\n');
        s.append("""
                # Written by `sslbench grid --launcher slurm`: one array task = one cell of suite %s, run by the same
                # code as a local run (`sslbench cell`); its rows land in the results store's cell folder.
                set -u
                cd %s
                index=$SLURM_ARRAY_TASK_ID
                launch=%s
                mkdir -p "$launch"
                preempted=0
                %s &
                child=$!
                # USR1 (the time-limit warning, or scancel --signal=USR1 --batch): checkpoint, then requeue
                trap 'preempted=1; kill -TERM "$child" 2>/dev/null' USR1
                rc=0
                while true; do
                  wait "$child"; rc=$?
                  kill -0 "$child" 2>/dev/null || break
                done
                if [ "$preempted" = 1 ]; then
                  echo "sslbench: cell $index preempted: checkpoint written, requeueing ${SLURM_ARRAY_JOB_ID}_$index"
                  scontrol requeue "${SLURM_ARRAY_JOB_ID}_$index"
                  exit 0
                fi
                if [ "$rc" -eq 0 ]; then
                  rm -f "$launch/$index.attempts" "$launch/$index.failed"
                  exit 0
                fi
                attempts=$(( $(cat "$launch/$index.attempts" 2>/dev/null || echo 0) + 1 ))
                echo "$attempts" > "$launch/$index.attempts"
                if [ "$attempts" -le %d ]; then
                  echo "sslbench: cell $index failed (exit $rc), retry $attempts of %d: requeueing"
                  scontrol requeue "${SLURM_ARRAY_JOB_ID}_$index"
                  exit "$rc"
                fi
                echo "exit $rc after $attempts attempts; log %s" > "$launch/$index.failed"
                echo "sslbench: cell $index failed $attempts times (exit $rc): marked failed"
                exit "$rc"
                """.formatted(suite, quote(workDir.toAbsolutePath().toString()), quote(launch.toString()),
                cell.command("$index").stream().map(a -> a.equals("$index") ? "\"$index\"" : quote(a))
                        .collect(Collectors.joining(" ")),
                o.retries(), o.retries(), logs.resolve("${SLURM_ARRAY_JOB_ID}_${index}.out")));
        return s.toString();
    }

    /** Single-quotes a word for bash. */
    static String quote(String w) {
        return "'" + w.replace("'", "'\\''") + "'";
    }

    /**
     * Writes the script to {@code <runs>/_launch/<suite>/submit-<time>.sh}, clears the failure records of the cells it
     * runs, and submits it with {@code sbatch --parsable}.
     *
     * @return the array's job id
     */
    public static String submit(String suite, List<Integer> indices, Options o, CellCommandLine cell, Path workDir) {
        String text = script(suite, indices, o, cell, workDir);
        Path launch = cell.launchDir(suite);
        Path file = launch.resolve("submit-" + System.currentTimeMillis() + ".sh");
        try {
            Files.createDirectories(launch.resolve("logs"));
            Files.writeString(file, text, StandardCharsets.UTF_8);
            for (int i : indices) {
                LaunchRecords.clear(launch, i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the batch script " + file, e);
        }
        String outText = run(List.of("sbatch", "--parsable", file.toString()), "submit the array");
        String id = outText.strip().split(";")[0];
        if (!id.matches("\\d+")) {
            throw new IllegalStateException("sbatch printed '" + outText.strip() + "', not a job id");
        }
        return id;
    }

    /**
     * @return array task index to SLURM state (PENDING, RUNNING, REQUEUED, ...) of the suite's tasks in the queue
     *         ({@code squeue -r}); empty when none is queued
     */
    public static Map<Integer, String> queued(String suite) {
        String text = run(List.of("squeue", "-h", "-r", "--name=" + jobName(suite), "-o", "%K %T"), "read the queue");
        return parseQueue(text);
    }

    /** Parses {@code squeue -h -r -o "%K %T"} lines ("3 RUNNING"); lines of non-array jobs ("N/A") are skipped. */
    static Map<Integer, String> parseQueue(String text) {
        Map<Integer, String> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].matches("\\d+")) {
                out.put(Integer.parseInt(f[0]), f[1]);
            }
        }
        return out;
    }

    /** @return whether the SLURM client commands are on the PATH and answer */
    public static boolean available() {
        try {
            run(List.of("sinfo", "-h", "-o", "%P"), "reach the cluster");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not answer within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("cannot " + what + ": `" + String.join(" ", cmd) + "` exited "
                        + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot " + what + ": `" + cmd.get(0) + "` is not available ("
                    + e.getMessage() + "); install the SLURM client commands or use --launcher local", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    /** For tests: the array spec of the script's header. */
    static String arraySpec(String script) {
        return Objects.requireNonNull(script.lines().filter(l -> l.startsWith("#SBATCH --array=")).findFirst()
                .map(l -> l.substring("#SBATCH --array=".length())).orElse(null));
    }

    /** For tests: every #SBATCH option of a script, in order. */
    static List<String> sbatchOptions(String script) {
        List<String> out = new ArrayList<>();
        script.lines().filter(l -> l.startsWith("#SBATCH ")).forEach(l -> out.add(l.substring("#SBATCH ".length())));
        return out;
    }
}
