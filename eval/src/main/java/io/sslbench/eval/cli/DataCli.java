package io.sslbench.eval.cli;

import io.sslbench.core.data.DataRoot;
import io.sslbench.core.data.DataTasks;
import io.sslbench.core.data.KnownDataset;
import io.sslbench.core.util.Suggest;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Stream;

/** {@code sslbench data list|fetch|verify}: core's {@link DataTasks}. */
final class DataCli implements Main.Command {
    @Override
    public String summary() {
        return "list, fetch (download + verify checksums) and verify data sets under the data root";
    }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("data-root", "DIR", "data root (default: $" + DataRoot.ENV + ", else ~/.cache/sslbench/data)"),
                Opt.flag("quiet", "no progress bar (fetch)"),
                Opt.value("base-url", "URL", "fetch from URL/<file> instead of the official mirrors"));
    }

    @Override
    public Opt.Positional positional() {
        return new Opt.Positional("list | fetch DATASET | verify DATASET", "list: what is present under the data root, "
                + "per data set and split, with image counts; fetch: download a data set from its official source, "
                + "verify the published MD5, extract; verify: check checksums (published MD5s, extraction manifests) "
                + "and record counts. Data sets: " + String.join(", ", DataTasks.DATASETS),
                () -> Stream.concat(Stream.of("list", "fetch", "verify"), DataTasks.DATASETS.stream()).toList());
    }

    @Override
    public int run(Args a, PrintStream out) {
        List<String> pos = a.positional;
        if (pos.isEmpty()) {
            throw new Args.UsageException("give a command: list, fetch <dataset> or verify <dataset>");
        }
        DataRoot root = DataRoot.resolve(a.get("data-root"));
        return switch (pos.get(0)) {
            case "list" -> {
                require(pos.size() == 1, "list takes no data set");
                yield DataTasks.list(root, out);
            }
            case "fetch" -> {
                require(pos.size() == 2, "fetch needs one data set");
                yield DataTasks.fetch(dataset(pos.get(1)), root, a.flag("quiet"), a.get("base-url"), out);
            }
            case "verify" -> {
                require(pos.size() == 2, "verify needs one data set");
                yield DataTasks.verify(dataset(pos.get(1)), root, out);
            }
            default -> throw new Args.UsageException("unknown command '" + pos.get(0) + "'"
                    + Suggest.didYouMean(pos.get(0), List.of("list", "fetch", "verify")));
        };
    }

    private static KnownDataset dataset(String id) {
        try {
            return KnownDataset.byId(id);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new Args.UsageException(problem);
        }
    }
}
