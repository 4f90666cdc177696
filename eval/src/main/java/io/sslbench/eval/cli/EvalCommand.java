package io.sslbench.eval.cli;

import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.ResultRow;
import io.sslbench.core.results.ResultsStore;
import io.sslbench.eval.protocol.FeatureExtractor;
import io.sslbench.eval.run.Evaluate;
import io.sslbench.eval.run.Pretrain;
import io.sslbench.eval.run.RunSummary;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** {@code sslbench eval}: evaluation protocols on a finished run folder. */
final class EvalCommand implements Main.Command {
    @Override
    public String summary() {
        return "evaluate a pretrained run: kNN, linear probe, 1%/10% semi-supervised, random-init floor";
    }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("run", "DIR", "a run folder written by sslbench pretrain (config.yaml, model.zip, summary.json)"),
                Opt.value("protocol", "P", "repeatable: knn, linear, linear-lbfgs, semi1, semi10, random-init-knn, "
                        + "random-init-linear, random-init-linear-lbfgs, or all (the default)").many()
                        .completing(() -> Stream.concat(Evaluate.ALL.stream(), Stream.of("all")).toList()),
                Opt.value("linear-epochs", "N", "linear: N epochs instead of the method's official count "
                        + "(milestones scaled)").ints(),
                Opt.flag("linear-unaugmented", "linear: train on the unaugmented images' features, computed once"),
                Opt.value("fine-tune-epochs", "N", "semi1/semi10 fine-tuning epochs (default SimCLR's: 60 for 1%, 30 "
                        + "for 10%)").ints(),
                Opt.value("results", "FILE", "results store to append to (default results/results.jsonl)"),
                Opt.value("data-root", "DIR", "data root (default $SSLBENCH_DATA, else ~/.cache/sslbench/data)"));
    }

    @Override
    public String footer() {
        return "semi1/semi10: class-balanced 1%/10% of the whole labelled training split (CIFAR-10: 500/5,000 images, "
                + "index files in <run>/../subsets), whole network fine-tuned with a new classifier. "
                + FeatureExtractor.PROTOCOL;
    }

    @Override
    public int run(Args a, PrintStream out) throws Exception {
        if (a.get("run") == null) {
            throw new Args.UsageException("--run is required");
        }
        Path dir = Path.of(a.get("run"));
        for (String f : List.of("config.yaml", "model.zip", "summary.json")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException(dir + " has no " + f + ": is it a finished run folder?");
            }
        }
        List<String> protocols = a.all("protocol").isEmpty() || a.all("protocol").contains("all") ? Evaluate.ALL
                : a.all("protocol");
        RunConfig cfg = RunConfig.from(ConfigTree.load(dir.resolve("config.yaml").toString()));
        RunSummary summary = RunSummary.readIfPresent(dir);
        if (!summary.result().completed()) {
            throw new IllegalArgumentException(dir + " holds a run stopped after " + summary.result().steps()
                    + " steps, not a finished one: rerun its pretrain command to finish it");
        }
        Trainer.Result result = summary.result();
        Provenance prov = summary.provenance();
        ComputationGraph online = Pretrain.loadModel(dir);
        Pretrain.Data data = Pretrain.loadData(cfg, a.get("data-root"), true);
        out.println("evaluating " + dir + " (" + cfg.methodName() + ") with " + protocols);
        List<ResultRow> rows = Evaluate.run(dir.getFileName().toString(), cfg, MethodProvider.forConfig(cfg), online,
                summary.featuresVertex(), result, prov, data,
                protocols, Evaluate.Context.adhoc(dir.resolveSibling("subsets"), a.intValue("fine-tune-epochs", 0),
                        new Evaluate.LinearBudget(a.intValue("linear-epochs", 0), !a.flag("linear-unaugmented"))), out);
        ResultsStore store = new ResultsStore(Path.of(a.get("results", "results/results.jsonl")));
        store.append(rows);
        out.println("appended " + rows.size() + " rows to " + store.file());
        return 0;
    }
}
