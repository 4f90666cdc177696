package io.sslbench.eval.launch;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The batch script and the queue parsing, without a cluster (SlurmIT runs them on one). */
class SlurmLauncherTest {
    private static final CellCommandLine CELL = new CellCommandLine("/usr/bin/java", List.of("-Xmx8g", "-Da=b c"),
            "/x/classes:/x/lib/*", List.of("--suite", "/s/quick.yaml"), Path.of("/r/results.jsonl"), Path.of("/r/runs"),
            "/data");

    @Test
    void theScriptAsksForTheResourcesAWarningSignalAndRequeueing() {
        SlurmLauncher.Options o = new SlurmLauncher.Options("gpu", 1, 8, "32G", "04:00:00", 3, 2, 120);
        String s = SlurmLauncher.script("quick", List.of(0, 3, 5), o, CELL, Path.of("/w"));
        assertEquals(List.of("--job-name=sslbench-quick", "--array=0,3,5%3", "--cpus-per-task=8", "--gpus-per-task=1",
                "--partition=gpu", "--mem=32G", "--time=04:00:00", "--signal=B:USR1@120", "--requeue",
                "--open-mode=append", "--output=/r/runs/_launch/quick/logs/%A_%a.out"), SlurmLauncher.sbatchOptions(s));
        // the task command: this JVM's options quoted for bash, the index from SLURM
        assertTrue(s.contains("'/usr/bin/java' '-Xmx8g' '-Da=b c' '-cp' '/x/classes:/x/lib/*' 'io.sslbench.eval.cli.Main' "
                + "'cell' '--suite' '/s/quick.yaml' '--index' \"$index\" '--results' '/r/results.jsonl' '--runs' "
                + "'/r/runs' '--data-root' '/data' &"), s);
        assertTrue(s.contains("trap 'preempted=1; kill -TERM \"$child\" 2>/dev/null' USR1"));
        assertTrue(s.contains("scontrol requeue \"${SLURM_ARRAY_JOB_ID}_$index\""));
        assertTrue(s.contains("if [ \"$attempts\" -le 2 ]"), "2 retries");
        assertTrue(s.contains("cd '/w'"));
        // defaults: no partition, GPU, memory or time lines, no array limit
        String plain = SlurmLauncher.script("quick", List.of(1), new SlurmLauncher.Options(null, 0, 2, null, null, 0, 0, 60),
                CELL, Path.of("/w"));
        assertEquals("1", SlurmLauncher.arraySpec(plain));
        assertFalse(plain.contains("--partition") || plain.contains("--gpus") || plain.contains("--mem") || plain.contains("--time"));
    }

    @Test
    void quotingSurvivesSingleQuotesAndOptionsAreValidated() {
        assertEquals("'it'\\''s'", SlurmLauncher.quote("it's"));
        assertThrows(IllegalArgumentException.class, () -> new SlurmLauncher.Options(null, 0, 0, null, null, 0, 0, 60));
        assertThrows(IllegalArgumentException.class, () -> new SlurmLauncher.Options(null, 0, 1, null, "4h", 0, 0, 60));
        assertDoesNotThrow(() -> new SlurmLauncher.Options(null, 0, 1, null, "1-00:00:00", 0, 0, 60));
        assertThrows(IllegalArgumentException.class, () -> SlurmLauncher.script("q", List.of(),
                new SlurmLauncher.Options(null, 0, 1, null, null, 0, 0, 60), CELL, Path.of("/w")));
        assertEquals("sslbench-my_suite", SlurmLauncher.jobName("my suite"));
    }

    @Test
    void theQueueIsReadPerArrayTask() {
        assertEquals(Map.of(0, "RUNNING", 3, "PENDING", 5, "REQUEUED"),
                SlurmLauncher.parseQueue("0 RUNNING\n3 PENDING\n  5 REQUEUED\nN/A RUNNING\n\n"));
    }
}
