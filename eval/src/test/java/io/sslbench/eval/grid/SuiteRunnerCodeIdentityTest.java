package io.sslbench.eval.grid;

import com.google.gson.Gson;
import io.sslbench.core.engine.RunIdentity;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.Provenances;
import io.sslbench.core.results.ResultRow;
import io.sslbench.core.results.ResultsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Stored rows and run folders are reused only by the code that computed them (issue 14). */
class SuiteRunnerCodeIdentityTest {
    private static final String THIS = "1111111111111111111111111111111111111111";
    private static final String OTHER = "2222222222222222222222222222222222222222";

    private static Provenance prov(String hash, String commit, boolean dirty) {
        return new Provenance(hash, commit, dirty, 0, "d", "cpu", "17", "m2.1", "linux", "amd64", "t");
    }

    /** Rows for every protocol of {@code job}, as its run would write them, with the given code. */
    private static List<ResultRow> rowsOf(SuiteRunner.Job job, String commit, boolean dirty) {
        List<ResultRow> out = new ArrayList<>();
        for (String protocol : job.protocols()) {
            out.add(new ResultRow(job.runId(), "quick", job.grid(), job.cellId(), job.config().methodName(), Map.of(),
                    protocol, Map.of("top1", 0.3), "small-cifar", "cifar10", 2, 100, 10, 1, 0.05, 128, false,
                    prov(RunIdentity.hash(job.config()), commit, dirty)));
        }
        return out;
    }

    @Test
    void aRowIsReusedOnlyByTheCleanBuildOfItsCommit(@TempDir Path dir) {
        SuiteRunner.Job job = SuiteRunner.plan(Suite.load("quick")).get(0);
        ResultsStore store = new ResultsStore(dir.resolve("results.jsonl"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        SuiteRunner same = new SuiteRunner(store, dir.resolve("runs"), null, dir, quiet, new Provenances.Commit(THIS, false));
        SuiteRunner dirtyBuild = new SuiteRunner(store, dir.resolve("runs"), null, dir, quiet, new Provenances.Commit(THIS, true));

        store.append(rowsOf(job, OTHER, false));
        assertEquals(List.of(job), same.pending(List.of(job)), "rows of another commit must be recomputed");
        store.append(rowsOf(job, THIS, true));
        assertEquals(List.of(job), same.pending(List.of(job)), "rows of a dirty tree are no code identity");
        store.append(rowsOf(job, THIS, false));
        assertEquals(List.of(), same.pending(List.of(job)), "the same clean commit reuses its rows");
        assertEquals(List.of(job), dirtyBuild.pending(List.of(job)), "a dirty build reuses nothing");
        assertEquals(job.protocols().size(), same.current(store.readAll()).size());
    }

    @Test
    void aRunFolderOfOtherCodeIsMovedAsideNotResumed(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SuiteRunner runner = new SuiteRunner(new ResultsStore(dir.resolve("r.jsonl")), runs, null, dir,
                new PrintStream(log, true, StandardCharsets.UTF_8), new Provenances.Commit(THIS, false));
        Path mine = runs.resolve("simclr-mine");
        Path theirs = runs.resolve("simclr-theirs");
        Path unknown = runs.resolve("simclr-unknown");
        for (Path p : List.of(mine, theirs, unknown)) {
            Files.createDirectories(p.resolve("checkpoints"));
            Files.writeString(p.resolve("checkpoints").resolve("last.ckpt"), "weights");
        }
        Files.writeString(mine.resolve("provenance.json"), new Gson().toJson(prov("h", THIS, false)));
        Files.writeString(theirs.resolve("provenance.json"), new Gson().toJson(prov("h", OTHER, false)));

        runner.setAsideIfOtherCode(mine);
        runner.setAsideIfOtherCode(theirs);
        runner.setAsideIfOtherCode(unknown);
        runner.setAsideIfOtherCode(runs.resolve("never-ran"));

        assertTrue(Files.exists(mine.resolve("checkpoints/last.ckpt")), "this code's folder is resumed in place");
        assertFalse(Files.exists(theirs));
        assertFalse(Files.exists(unknown));
        try (var stale = Files.list(runs.resolve("stale"))) {
            List<String> names = stale.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).startsWith("simclr-theirs-22222222-"), names.toString());
            assertTrue(names.get(1).startsWith("simclr-unknown-unknown-"), names.toString());
            for (String n : names) {
                // never deleted: the work is kept beside the runs
                assertEquals("weights", Files.readString(runs.resolve("stale").resolve(n).resolve("checkpoints/last.ckpt")));
            }
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("made by other code (22222222"), log.toString());
    }
}
