package io.sslbench.eval.cli;

import io.sslbench.core.data.DataCommand;

import java.io.PrintStream;

/** {@code sslbench data list|fetch|verify}: core's {@link DataCommand}. */
final class DataCli implements Main.Command {
    @Override
    public String summary() {
        return "list, fetch (download + verify checksums) and verify data sets under the data root";
    }

    @Override
    public String usage() {
        return "usage: sslbench data list|fetch|verify [<dataset>] [--data-root DIR] [--quiet] [--base-url URL]\n"
                + "  data sets: cifar10, cifar100, stl10, mnist, fashion-mnist";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        return new DataCommand().run(args, out);
    }
}
