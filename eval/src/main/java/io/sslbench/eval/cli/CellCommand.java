package io.sslbench.eval.cli;

import io.sslbench.core.engine.Trainer;
import io.sslbench.eval.grid.SuiteRunner;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sslbench cell}: one cell of a suite (a task of {@code grid --launcher slurm|local}), its rows written as a
 * cell file of the results store. On SIGTERM (a scheduler's preemption, forwarded by the batch script) the training
 * stops after its current step with a checkpoint, and the exit leaves the run folder to be resumed.
 */
final class CellCommand implements Main.Command {
    /** Exit code of a cell whose pretraining stopped on a stop request before its end. */
    static final int PREEMPTED = 3;
    /** How long the shutdown hook waits for the training's checkpoint. */
    private static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(100);

    @Override
    public String summary() {
        return "run one cell of a suite (what a cluster task runs; see grid --launcher)";
    }

    @Override
    public List<Opt> options() {
        List<Opt> o = new ArrayList<>(GridCommand.suiteOptions());
        o.add(Opt.value("index", "I", "the cell's index in the suite's plan (sslbench grid ... --dry-run lists them)").ints());
        o.addAll(GridCommand.storeOptions());
        return o;
    }

    @Override
    public int run(Args a, PrintStream out) {
        if (a.get("index") == null) {
            throw new Args.UsageException("give --index");
        }
        int index = a.intValue("index", -1);
        Thread hook = new Thread(() -> {
            if (!Trainer.requestStop(CHECKPOINT_WAIT)) {
                System.err.println("sslbench cell: no checkpoint within " + CHECKPOINT_WAIT.toSeconds()
                        + " s of the stop request; the run resumes from its previous one");
            }
        }, "sslbench-preemption");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            GridCommand.runner(a, out).runCell(GridCommand.suite(a), index);
            return 0;
        } catch (SuiteRunner.Preempted e) {
            out.println("sslbench cell: " + e.getMessage());
            return PREEMPTED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting (the hook runs): nothing to remove
            }
        }
    }
}
