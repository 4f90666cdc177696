package io.sslbench.eval.cli;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.util.Suggest;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ./sslbench <command> [options]}: the harness's command line. */
public final class Main {
    private Main() {}

    interface Command {
        String summary();

        String usage();

        int run(String[] args, PrintStream out) throws Exception;
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        m.put("pretrain", new PretrainCommand());
        m.put("bench", new BenchCommand());
        m.put("eval", new EvalCommand());
        m.put("grid", new GridCommand());
        m.put("cell", new CellCommand());
        m.put("report", new ReportCommand());
        m.put("data", new DataCli());
        m.put("baseline", new BaselineCommand());
        return m;
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** The global flag that restores DL4J's and ND4J's INFO logging (see {@code simplelogger.properties}). */
    static final String VERBOSE = "--verbose";

    /**
     * Runs one command line in this JVM (what {@link #main} does without exiting; plug-in modules' tests drive the
     * harness through it).
     *
     * @return the exit code: 0 success, 1 failure, 2 usage error
     */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals(VERBOSE) || System.getenv("SSLBENCH_VERBOSE") != null) {
            // before the first logger exists: slf4j-simple reads its level once, at its initialisation
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.log.org.deeplearning4j.nn.conf.inputs.InputType", "warn");
        }
        if (argv.length > 0 && argv[0].equals(VERBOSE)) {
            argv = Arrays.copyOfRange(argv, 1, argv.length);
        }
        Map<String, Command> cmds = commands();
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.println("usage: sslbench [--verbose] <command> [options]   (sslbench <command> --help for details;"
                    + " --verbose: DL4J's INFO logging too)\n");
            cmds.forEach((k, v) -> out.printf("  %-9s %s%n", k, v.summary()));
            return argv.length == 0 ? 2 : 0;
        }
        Command c = cmds.get(argv[0]);
        if (c == null) {
            err.println("sslbench: unknown command '" + argv[0] + "'" + Suggest.didYouMean(argv[0], cmds.keySet())
                    + "; commands: " + cmds.keySet());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.println(c.usage());
            return 0;
        }
        try {
            return c.run(rest, out);
        } catch (Args.UsageException e) {
            err.println("sslbench " + argv[0] + ": " + e.getMessage() + "\n\n" + c.usage());
            return 2;
        } catch (ConfigException e) {
            err.println("sslbench " + argv[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("sslbench " + argv[0] + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (System.getenv("SSLBENCH_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }
}
