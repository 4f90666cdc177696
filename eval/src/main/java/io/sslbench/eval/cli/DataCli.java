package io.sslbench.eval.cli;

import java.io.PrintStream;

/** {@code sslbench data list|fetch|verify}: delegates to core's DataCommand. */
final class DataCli implements Main.Command {
    @Override
    public String summary() {
        return "list, fetch (download + verify) and verify data sets under the data root";
    }

    @Override
    public String usage() {
        return "usage: sslbench data list|fetch|verify [<dataset>] [--data-root DIR]";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Class<?> c = Class.forName("io.sslbench.core.data.DataCommand");
        Object cmd = c.getDeclaredConstructor().newInstance();
        return (Integer) c.getMethod("run", String[].class, PrintStream.class).invoke(cmd, args, out);
    }
}
