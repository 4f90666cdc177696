package io.sslbench.eval.cli;

import java.io.PrintStream;

/** {@code sslbench grid}: not wired yet. */
final class GridCommand implements Main.Command {
    @Override
    public String summary() {
        return "(coming)";
    }

    @Override
    public String usage() {
        return "usage: sslbench grid (not available yet)";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        throw new Args.UsageException("not available yet");
    }
}
