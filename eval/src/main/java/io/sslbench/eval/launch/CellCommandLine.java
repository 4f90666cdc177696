package io.sslbench.eval.launch;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs one cell of a suite in a JVM of its own, {@code java <this JVM's options> -cp <this class
 * path> io.sslbench.eval.cli.Main cell <suite options> --index I}: the same code, memory and native-library settings as
 * the process that launches it. Paths are absolute, so a task started in another working directory (a cluster node)
 * reads and writes the same files.
 *
 * @param java        the java executable
 * @param jvmOptions  this JVM's options (heap, -D properties such as {@code sslbench.repo})
 * @param classPath   this JVM's class path
 * @param suiteArgs   the options that select the suite ({@code --suite S}, or {@code --grid G --scale S --seeds ...})
 * @param results     the results store file
 * @param runs        the runs folder
 * @param dataRoot    the data root, or null for the default
 */
public record CellCommandLine(String java, List<String> jvmOptions, String classPath, List<String> suiteArgs,
                              Path results, Path runs, String dataRoot) {
    public CellCommandLine {
        jvmOptions = List.copyOf(jvmOptions);
        suiteArgs = List.copyOf(suiteArgs);
        results = results.toAbsolutePath().normalize();
        runs = runs.toAbsolutePath().normalize();
        dataRoot = dataRoot == null ? null : Path.of(dataRoot).toAbsolutePath().normalize().toString();
    }

    /** The command line of this very JVM, running the given suite. */
    public static CellCommandLine ofThisJvm(List<String> suiteArgs, Path results, Path runs, String dataRoot) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> opts = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent")) { // no debugger or agent in the tasks
                opts.add(a);
            }
        }
        return new CellCommandLine(java, opts, System.getProperty("java.class.path"), suiteArgs, results, runs, dataRoot);
    }

    /** @return the command for cell {@code index} ({@code index} may be a shell variable such as {@code $index}) */
    public List<String> command(String index) {
        List<String> c = new ArrayList<>();
        c.add(java);
        c.addAll(jvmOptions);
        c.add("-cp");
        c.add(classPath);
        c.add("io.sslbench.eval.cli.Main");
        c.add("cell");
        c.addAll(suiteArgs);
        c.add("--index");
        c.add(index);
        c.add("--results");
        c.add(results.toString());
        c.add("--runs");
        c.add(runs.toString());
        if (dataRoot != null) {
            c.add("--data-root");
            c.add(dataRoot);
        }
        return c;
    }

    /** @return the folder of a suite's launch records (logs, attempt counts, failure markers): {@code <runs>/_launch/<suite>} */
    public Path launchDir(String suite) {
        return runs.resolve("_launch").resolve(suite.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
