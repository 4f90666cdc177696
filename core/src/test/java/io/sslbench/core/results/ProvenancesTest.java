package io.sslbench.core.results;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvenancesTest {

    private static Properties props(String commit, String dirty) {
        Properties p = new Properties();
        p.setProperty("git.commit", commit);
        p.setProperty("git.dirty", dirty);
        return p;
    }

    @Test
    void stampedBuildCommitWinsOverTheCheckout(@TempDir Path notARepo) {
        String id = "0123456789abcdef0123456789abcdef01234567";
        assertEquals(new Provenances.Commit(id, true), Provenances.commitOf(props(id, "true"), notARepo));
        assertEquals(new Provenances.Commit(id, false), Provenances.commitOf(props(id, "false"), notARepo));
    }

    @Test
    void unstampedBuildFallsBackToTheCheckoutAndSaysUnknownOutsideOne(@TempDir Path notARepo) {
        // what resource filtering leaves when the build ran outside a git checkout
        Provenances.Commit c = Provenances.commitOf(props("${git.commit.id}", "${git.dirty}"), notARepo);
        assertEquals("unknown", c.id());
        assertFalse(c.dirty());
    }

    @Test
    void thisBuildIsStampedWithTheCheckoutsCommitOrAnAncestor() throws IOException {
        // Maven runs this test in core/, inside the checkout the classes were just built from
        String head = Provenances.git(Path.of(".."), "rev-parse", "HEAD");
        Assumptions.assumeTrue(head != null, "not inside a git checkout: nothing to stamp");
        Properties p = new Properties();
        try (InputStream in = Provenances.class.getClassLoader().getResourceAsStream("sslbench/build.properties")) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        assertTrue(p.getProperty("git.commit").matches("[0-9a-f]{40}"), p.getProperty("git.commit"));
        assertTrue(p.getProperty("git.dirty").matches("true|false"), p.getProperty("git.dirty"));
        // the commit the classes were built from: HEAD, or an ancestor of it if a commit landed since the build
        assertNotNull(Provenances.git(Path.of(".."), "merge-base", "--is-ancestor", p.getProperty("git.commit"), head.strip()),
                "stamped " + p.getProperty("git.commit") + " is not HEAD " + head.strip() + " or an ancestor of it");
        Provenance prov = Provenances.create("h", 3, "d", "b", Path.of("."));
        assertEquals(p.getProperty("git.commit"), prov.gitCommit());
    }
}
