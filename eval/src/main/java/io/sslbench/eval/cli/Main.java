package io.sslbench.eval.cli;

import io.sslbench.core.config.ConfigException;
import io.sslbench.core.util.Suggest;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sslbench <command> [options]}: the harness's command line, on picocli. Each command declares its options
 * once ({@link Command#options()}); the parser, the generated {@code --help}, the "did you mean" suggestions and the
 * bash completion script ({@code sslbench completion}) come from those declarations.
 */
public final class Main {
    private Main() {}

    interface Command {
        String summary();

        /** @return the command's options, in help order */
        List<Opt> options();

        /** @return the command's positional parameters, or null when it takes none */
        default Opt.Positional positional() {
            return null;
        }

        /** @return prose printed under the generated option list ("" for none) */
        default String footer() {
            return "";
        }

        int run(Args args, PrintStream out) throws Exception;
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
        m.put("completion", new CompletionCommand());
        return m;
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** The global flag that restores DL4J's and ND4J's INFO logging (see {@code simplelogger.properties}). */
    static final String VERBOSE = "--verbose";

    /** @return the whole command line's model: every command with its declared options */
    static CommandLine commandLine() {
        CommandSpec root = CommandSpec.create().name("sslbench");
        root.usageMessage().description("a reproduction benchmark harness for self-supervised learning on the JVM")
                .footer("sslbench COMMAND --help describes a command; source <(./sslbench completion) completes them in "
                        + "bash").width(110);
        root.addOption(OptionSpec.builder(VERBOSE).arity("0").description("DL4J's and ND4J's INFO logging too").build());
        root.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this help").build());
        commands().forEach((name, c) -> root.addSubcommand(name, new CommandLine(spec(name, c))));
        CommandLine cl = new CommandLine(root);
        cl.setAbbreviatedOptionsAllowed(false);
        return cl;
    }

    private static CommandSpec spec(String name, Command c) {
        CommandSpec s = CommandSpec.create().name(name);
        s.usageMessage().description(text(c.summary())).sortOptions(false).width(110);
        if (!c.footer().isEmpty()) {
            s.usageMessage().footer(text(c.footer()));
        }
        for (Opt o : c.options()) {
            OptionSpec.Builder b = OptionSpec.builder("--" + o.name()).description(text(o.description()));
            if (o.isFlag()) {
                b.arity("0").type(boolean.class);
            } else {
                b.arity("1").paramLabel(o.label()).type(o.repeatable() ? List.class : o.type());
                if (o.repeatable()) {
                    b.auxiliaryTypes(o.type());
                }
                if (o.candidates() != null) {
                    b.completionCandidates(() -> o.candidates().get().iterator());
                }
            }
            s.addOption(b.build());
        }
        Opt.Positional p = c.positional();
        if (p != null) {
            PositionalParamSpec.Builder b = PositionalParamSpec.builder().paramLabel(p.label()).arity("0..*")
                    .type(List.class).auxiliaryTypes(String.class).description(text(p.description()));
            if (p.candidates() != null) {
                b.completionCandidates(() -> p.candidates().get().iterator());
            }
            s.addPositional(b.build());
        }
        s.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this help").build());
        return s;
    }

    /** @return help text as picocli prints it verbatim (it formats with String.format: a '%' is written '%%') */
    private static String text(String s) {
        return s.replace("%", "%%");
    }

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
        CommandLine cl = commandLine();
        ParseResult pr;
        try {
            pr = cl.parseArgs(argv);
        } catch (ParameterException e) {
            err.println("sslbench: " + e.getMessage() + suggestion(e));
            e.getCommandLine().usage(new PrintWriter(err, true));
            return 2;
        }
        ParseResult sub = pr.subcommand();
        if (sub == null) {
            cl.usage(out);
            return pr.isUsageHelpRequested() ? 0 : 2;
        }
        if (sub.isUsageHelpRequested()) {
            sub.commandSpec().commandLine().usage(out);
            return 0;
        }
        String name = sub.commandSpec().name();
        Command c = commands().get(name);
        try {
            return c.run(Args.of(sub), out);
        } catch (Args.UsageException e) {
            err.println("sslbench " + name + ": " + e.getMessage() + "\n");
            sub.commandSpec().commandLine().usage(new PrintWriter(err, true));
            return 2;
        } catch (ConfigException e) {
            err.println("sslbench " + name + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("sslbench " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (System.getenv("SSLBENCH_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** @return " (did you mean ...?)" for a misspelled command or option, from picocli's suggestions */
    private static String suggestion(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return "";
        }
        String given = u.getUnmatched().get(0);
        List<String> candidates = u.getSuggestions();
        return candidates.isEmpty() ? "" : Suggest.didYouMean(given, candidates);
    }

    /** {@code sslbench completion}: the bash completion script, from the declared commands and options. */
    static final class CompletionCommand implements Command {
        @Override
        public String summary() {
            return "print a bash completion script (source <(./sslbench completion))";
        }

        @Override
        public List<Opt> options() {
            return List.of();
        }

        @Override
        public int run(Args a, PrintStream out) {
            out.print(AutoComplete.bash("sslbench", commandLine()));
            return 0;
        }
    }
}
