package io.sslbench.eval.cli;

import java.io.PrintStream;

/** {@code sslbench eval}: not wired yet. */
final class EvalCommand implements Main.Command {
    @Override
    public String summary() {
        return "(coming)";
    }

    @Override
    public String usage() {
        return "usage: sslbench eval (not available yet)";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        throw new Args.UsageException("not available yet");
    }
}
