package io.sslbench.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Runs headless Chromium for the page tests. The browser is {@code /usr/bin/chromium} (Debian package
 * {@code chromium}) or the path in {@code -Dsslbench.chromium}. A missing browser FAILS the test, unless
 * {@code -Dsslbench.skipBrowser=true}.
 */
final class Chromium {
    private Chromium() {}

    static final long TIMEOUT_SECONDS = 180;

    /** Flags of every run: headless, no sandbox (CI runs as root), nothing that talks to the network. */
    static final List<String> BASE_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    record Result(int exitCode, String stdout, String stderr) {}

    /** @return the browser; fails with install instructions when absent, aborts when the property skips it */
    static Path executable() {
        assumeFalse(Boolean.getBoolean("sslbench.skipBrowser"), "browser checks skipped (-Dsslbench.skipBrowser=true)");
        Path exe = Path.of(System.getProperty("sslbench.chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(exe)) {
            fail("headless Chromium not found at " + exe + ". Install it with `apt-get update && apt-get install -y chromium` "
                    + "(Debian package 'chromium'; CI installs it), point -Dsslbench.chromium=<path> at another build, or run "
                    + "with -Dsslbench.skipBrowser=true to skip the browser checks.");
        }
        return exe;
    }

    /**
     * Runs the browser with {@link #BASE_FLAGS}, a fresh profile under {@code work}, and {@code args}.
     * Output goes to files (no pipe can fill up); a run over {@link #TIMEOUT_SECONDS} is killed and fails.
     */
    static Result run(Path work, List<String> args) throws IOException, InterruptedException {
        Path exe = executable();
        Files.createDirectories(work);
        Path profile = Files.createTempDirectory(work, "profile");
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(BASE_FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(args);
        Path out = Files.createTempFile(work, "chromium", ".out");
        Path err = Files.createTempFile(work, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + cmd + "\nstderr:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** @return the value of attribute {@code name} on the dumped DOM's {@code <body>} tag, or null */
    static String bodyAttribute(String dom, String name) {
        java.util.regex.Matcher body = java.util.regex.Pattern.compile("<body([^>]*)>").matcher(dom);
        if (!body.find()) {
            return null;
        }
        java.util.regex.Matcher a = java.util.regex.Pattern.compile("\\s" + java.util.regex.Pattern.quote(name)
                + "=\"([^\"]*)\"").matcher(body.group(1));
        return a.find() ? a.group(1) : null;
    }
}
