package io.sslbench.eval.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** {@code sslbench data}: its command line on the shared Args parser (the tasks are core's DataTasksTest). */
class DataCliTest {
    private record Result(int rc, String out) {}

    private static Result run(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(b, true, StandardCharsets.UTF_8);
        String[] argv = new String[args.length + 1];
        argv[0] = "data";
        System.arraycopy(args, 0, argv, 1, args.length);
        int rc = Main.run(argv, ps, ps);
        return new Result(rc, b.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpAndUsageErrors() {
        Result h = run("--help");
        assertEquals(0, h.rc());
        assertTrue(h.out().contains("verify DATASET") && h.out().contains("--data-root"), h.out());
        Result unknown = run("frobnicate");
        assertEquals(2, unknown.rc());
        assertTrue(unknown.out().contains("unknown command 'frobnicate'"), unknown.out());
        assertTrue(run("verfy", "cifar10").out().contains("did you mean 'verify'?"));
        assertEquals(2, run("fetch").rc());
        Result imagenet = run("verify", "imagenet");
        assertEquals(2, imagenet.rc());
        assertTrue(imagenet.out().contains("imagenet"), imagenet.out());
        assertEquals(2, run("list", "--bogus").rc());
        assertEquals(2, run().rc());
    }
}
