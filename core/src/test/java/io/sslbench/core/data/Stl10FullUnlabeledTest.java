package io.sslbench.core.data;

import io.sslbench.core.util.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Loads the real, full STL-10 unlabelled split (100,000 images, 2,764,800,000 pixel bytes). Runs only when
 * {@code SSLBENCH_STL10} names the extracted {@code stl10_binary} directory, and needs a test heap of at least
 * 3.5 GiB: {@code SSLBENCH_STL10=/data/stl10_binary mvn -o -pl core test -Dtest=Stl10FullUnlabeledTest
 * -Dsslbench.test.jvm=-Xmx4g}.
 */
@EnabledIfEnvironmentVariable(named = "SSLBENCH_STL10", matches = ".+")
class Stl10FullUnlabeledTest {
    private static final int B = Stl10BinaryReader.IMAGE_BYTES;

    @Test
    void allHundredThousandImagesLoadInThreeChunks() throws IOException {
        long need = 100_000L * B + (512L << 20);
        assertTrue(Runtime.getRuntime().maxMemory() >= need, "the full unlabelled split needs a heap of at least "
                + need + " bytes, this JVM has " + Runtime.getRuntime().maxMemory()
                + "; run with -Dsslbench.test.jvm=-Xmx4g");
        Path dir = Path.of(System.getenv("SSLBENCH_STL10"));
        Path file = dir.resolve("unlabeled_X.bin");
        ImageDataset u = Stl10BinaryReader.read(dir, Split.UNLABELED, 0);
        assertEquals(100_000, u.size());
        assertEquals("stl10/unlabeled", u.name());
        assertEquals(3, u.numChunks());
        assertEquals(2_764_800_000L, u.totalBytes());
        for (int l : u.labels()) {
            assertEquals(-1, l);
        }
        Random rnd = new Random(3);
        int[] images = {0, 38_835, 38_836, 77_671, 77_672, 99_999, rnd.nextInt(100_000), rnd.nextInt(100_000)};
        byte[] raw = new byte[B];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            for (int i : images) {
                f.seek((long) i * B);
                f.readFully(raw);
                for (int k = 0; k < 500; k++) {
                    int y = rnd.nextInt(96), x = rnd.nextInt(96), c = rnd.nextInt(3);
                    assertEquals(raw[c * 9216 + x * 96 + y] & 0xFF, u.pixel(i, y, x, c),
                            "image " + i + " (" + y + "," + x + "," + c + ")");
                }
            }
        }
        MessageDigest md = Hashing.digest("SHA-256");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        String expected = new ContentHash("stl10-binary").addDigest("unlabeled_X.bin",
                HexFormat.of().formatHex(md.digest())).hex();
        assertEquals(expected, u.sha256());
    }
}
