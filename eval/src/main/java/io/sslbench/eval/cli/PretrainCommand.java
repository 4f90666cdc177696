package io.sslbench.eval.cli;

import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.config.ConfigTree;
import io.sslbench.core.config.RunConfig;
import io.sslbench.core.engine.Collapse;
import io.sslbench.core.engine.MethodProvider;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.util.BundledResources;
import io.sslbench.core.util.Suggest;
import io.sslbench.eval.run.Pretrain;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code sslbench pretrain}: one pretraining run from a config. */
final class PretrainCommand implements Main.Command {
    @Override
    public String summary() {
        return "pretrain one method on real data (resumes an interrupted run folder)";
    }

    @Override
    public List<Opt> options() {
        return List.of(
                Opt.value("method", "M", "a registered method id (" + String.join(", ", MethodProvider.available())
                        + "): uses its bundled config M-<dataset> (dataset from --set data.dataset=..., default "
                        + "cifar10)").completing(MethodProvider::available),
                Opt.value("config", "FILE|NAME", "a YAML file, or a bundled config name such as simclr-cifar10")
                        .completing(() -> BundledResources.names(ConfigTree.RESOURCE_DIR, ".yaml")),
                Opt.value("set", "KEY=VALUE", "override any key, e.g. --set epochs=1 --set data.subset=512 "
                        + "--set backbone=resnet18-cifar --set method.temperature=0.2").many(),
                Opt.value("out", "DIR", "run folder (default runs/<method>-<confighash>-s<seed>); an existing folder "
                        + "with a checkpoint of the same config is resumed"),
                Opt.value("data-root", "DIR", "data root (default $SSLBENCH_DATA, else ~/.cache/sslbench/data)"),
                Opt.flag("quiet", "no progress bar"));
    }

    @Override
    public String footer() {
        return "Writes config.yaml, provenance.json, metrics.jsonl, checkpoints/, model.zip, summary.json.";
    }

    /** Resolves a config from --method/--config and --set. */
    static RunConfig resolve(Args a) {
        return resolve(a.get("method"), a.get("config"), a.all("set"), a.flag("quiet"));
    }

    /**
     * @param method a method id (its bundled config) or null
     * @param config a config file or bundled name, or null
     * @param set    {@code key=value} overrides, in order
     * @param quiet  no progress bar
     */
    static RunConfig resolve(String method, String config, List<String> set, boolean quiet) {
        List<String> sets = new ArrayList<>(set);
        if (quiet) {
            sets.add("engine.quiet=true");
        }
        if (config == null && method == null) {
            throw new Args.UsageException("give --method or --config");
        }
        if (method != null && !MethodProvider.available().contains(method)) {
            throw new Args.UsageException("unknown --method '" + method + "'"
                    + Suggest.didYouMean(method, MethodProvider.available()) + "; valid methods: "
                    + String.join(", ", MethodProvider.available()));
        }
        Map<String, Object> tree;
        if (config != null) {
            tree = ConfigTree.load(config);
        } else {
            String dataset = "cifar10";
            for (String s : sets) {
                if (s.startsWith("data.dataset=")) {
                    dataset = s.substring("data.dataset=".length());
                }
            }
            String bundled = method + "-" + (dataset.startsWith("imagefolder:") ? "cifar10" : dataset);
            tree = ConfigTree.load(bundled);
        }
        if (method != null) {
            sets.add(0, "method.name=" + method);
        }
        return RunConfig.from(ConfigTree.override(tree, sets));
    }

    @Override
    public int run(Args a, PrintStream out) {
        RunConfig cfg = resolve(a);
        Path out0 = Path.of(a.get("out", "runs/" + cfg.methodName() + "-" + RunIdentity.hash(cfg) + "-s" + cfg.seed()));
        Trainer.prepareRunFolder(out0, RunIdentity.hash(cfg)); // an unusable --out fails now, with its cause, not after the data loaded
        Pretrain.Data data = Pretrain.loadData(cfg, a.get("data-root"), cfg.engine().quiet());
        out.printf(Locale.ROOT, "pretraining %s on %s (%d images, test %d), backbone %s, %d epochs, batch %d -> %s%n",
                cfg.methodName(), data.pretrain().name(), data.pretrain().size(), data.test().size(), cfg.backbone(),
                cfg.epochs(), cfg.batchSize(), out0);
        Pretrain.Outcome o = Pretrain.run(cfg, out0, data, Path.of(System.getProperty("sslbench.repo", ".")), out);
        out.printf(Locale.ROOT, "done: %d steps, %.1f img/s, %.0f s, peak RSS %.2f GB, collapse std %.4f (1/sqrt(d)=%.4f)%n",
                o.result().steps(), o.result().imgPerSec(), o.result().wallSeconds(), o.result().peakRssBytes() / 1e9,
                o.result().collapseStd(), 1 / Math.sqrt(Math.max(1, o.result().embeddingDim())));
        if (Double.isFinite(o.result().collapseStd()) && o.result().embeddingDim() > 0) {
            Collapse.Verdict v = o.result().verdict(o.method());
            if (v.collapsed()) {
                out.println("COLLAPSED: " + v.reason());
            }
        }
        return o.result().completed() ? 0 : 3;
    }
}
