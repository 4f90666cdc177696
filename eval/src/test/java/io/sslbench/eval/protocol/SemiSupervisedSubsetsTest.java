package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SemiSupervisedSubsetsTest {

    /** CIFAR-like label layout: 10 classes x 500 images, interleaved. */
    private static int[] labels(int perClass, int classes) {
        int[] y = new int[perClass * classes];
        for (int i = 0; i < y.length; i++) {
            y[i] = (i * 7 + i / 13) % classes;
        }
        return y;
    }

    @Test
    void balancedAndWithoutDuplicates() {
        int[] y = labels(500, 10);
        for (double f : new double[]{0.01, 0.1}) {
            int[] s = SemiSupervisedSubsets.balanced(y, 10, f, 42);
            int perClass = (int) Math.round(f * 5000 / 10);
            assertEquals(10 * perClass, s.length);
            int[] counts = new int[10];
            Set<Integer> seen = new HashSet<>();
            for (int i : s) {
                counts[y[i]]++;
                assertTrue(seen.add(i), "duplicate " + i);
            }
            for (int c = 0; c < 10; c++) {
                assertEquals(perClass, counts[c], "class " + c + " at fraction " + f);
            }
            for (int i = 1; i < s.length; i++) {
                assertTrue(s[i] > s[i - 1], "not ascending");
            }
        }
    }

    @Test
    void deterministicForASeedAndDifferentAcrossSeeds() {
        int[] y = labels(500, 10);
        assertArrayEquals(SemiSupervisedSubsets.balanced(y, 10, 0.01, 7), SemiSupervisedSubsets.balanced(y, 10, 0.01, 7));
        assertFalse(Arrays.equals(SemiSupervisedSubsets.balanced(y, 10, 0.01, 7),
                SemiSupervisedSubsets.balanced(y, 10, 0.01, 8)));
    }

    @Test
    void samplesEveryImageOfAClassUniformly() {
        // 2 classes x 10 images, 1 per class: over 2000 seeds each image is picked about 200 times
        int[] y = labels(10, 2);
        int[] hits = new int[20];
        for (long seed = 0; seed < 2000; seed++) {
            for (int i : SemiSupervisedSubsets.balanced(y, 2, 0.1, seed)) {
                hits[i]++;
            }
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(hits[i] > 140 && hits[i] < 260, "image " + i + " drawn " + hits[i] + " times of ~200");
        }
    }

    @Test
    void saveLoadRoundTripWithHeader(@TempDir Path dir) throws IOException {
        int[] y = labels(50, 4);
        SemiSupervisedSubsets.Subset s = new SemiSupervisedSubsets.Subset(
                SemiSupervisedSubsets.balanced(y, 4, 0.1, 3), "abc123", 0.1, 3);
        Path f = dir.resolve("sub/cifar10-0.1-seed3.txt");
        SemiSupervisedSubsets.save(f, s);
        List<String> lines = Files.readAllLines(f);
        assertTrue(lines.contains("# dataset-sha256: abc123"), lines.toString());
        assertTrue(lines.contains("# fraction: 0.1"), lines.toString());
        assertTrue(lines.contains("# seed: 3"), lines.toString());
        assertEquals(Integer.toString(s.indices()[0]), lines.get(5));
        SemiSupervisedSubsets.Subset back = SemiSupervisedSubsets.load(f);
        assertArrayEquals(s.indices(), back.indices());
        assertEquals("abc123", back.datasetSha256());
        assertEquals(0.1, back.fraction());
        assertEquals(3, back.seed());
    }

    @Test
    void loadOrCreateReusesTheFileAndChecksItsProvenance(@TempDir Path dir) throws IOException {
        ImageDataset ds = TestData.colourBlobs(20, 2, new int[][]{{0, 0, 0}, {255, 255, 255}}, 5, 1);
        Path f = dir.resolve("s.txt");
        SemiSupervisedSubsets.Subset first = SemiSupervisedSubsets.loadOrCreate(f, ds, 0.25, 9);
        assertEquals(10, first.indices().length);
        // a second method sees the very same images, read from the file
        Files.writeString(f, Files.readString(f).replace("# count: 10\n", "# count: 10\n# note: reused\n"));
        assertArrayEquals(first.indices(), SemiSupervisedSubsets.loadOrCreate(f, ds, 0.25, 9).indices());

        ImageDataset other = TestData.colourBlobs(20, 2, new int[][]{{0, 0, 0}, {255, 255, 255}}, 5, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SemiSupervisedSubsets.loadOrCreate(f, other, 0.25, 9));
        assertTrue(e.getMessage().contains(other.sha256()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.loadOrCreate(f, ds, 0.25, 10));
        assertTrue(e.getMessage().contains("seed 9"), e.getMessage());
    }

    @Test
    void malformedFilesNameFileAndLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, "# sslbench semi-supervised subset\n# dataset-sha256: x\n# fraction: 0.1\n# seed: 1\n3\nfour\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.load(f));
        assertTrue(e.getMessage().contains("bad.txt:6") && e.getMessage().contains("four"), e.getMessage());
        Files.writeString(f, "# sslbench semi-supervised subset\n# fraction: 0.1\n# seed: 1\n3\n");
        e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.load(f));
        assertTrue(e.getMessage().contains("dataset-sha256"), e.getMessage());
        Files.writeString(f, "# sslbench semi-supervised subset\n# dataset-sha256: x\n# fraction: 0.1\n# seed: 1\n5\n3\n");
        e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.load(f));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        Files.writeString(f, "1\n2\n");
        assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.load(f));
    }

    @Test
    void rejectsImpossibleRequests() {
        int[] y = {0, 0, 0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SemiSupervisedSubsets.balanced(y, 2, 1.0, 1));
        assertTrue(e.getMessage().contains("class 1 has 1 images"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.balanced(y, 2, 0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.balanced(y, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SemiSupervisedSubsets.balanced(new int[]{0, -1}, 2, 0.5, 1));
    }
}
