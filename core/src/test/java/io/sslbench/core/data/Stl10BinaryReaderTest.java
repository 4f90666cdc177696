package io.sslbench.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class Stl10BinaryReaderTest {
    private static final int S = 96;

    /** value of image i at row y, column x, channel c in our synthetic files */
    private static int f(int i, int y, int x, int c) {
        return (i * 31 + c * 7 + x * 3 + y * 5) % 251;
    }

    /** Writes n images in STL's layout: per channel, column-major (byte c*9216 + x*96 + y). */
    private static void writeImages(Path file, int n, int offset) throws IOException {
        byte[] b = new byte[n * S * S * 3];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int x = 0; x < S; x++) {
                    for (int y = 0; y < S; y++) {
                        b[i * S * S * 3 + c * S * S + x * S + y] = (byte) f(i + offset, y, x, c);
                    }
                }
            }
        }
        Files.write(file, b);
    }

    private static Path make(Path dir) throws IOException {
        writeImages(dir.resolve("train_X.bin"), 3, 0);
        Files.write(dir.resolve("train_y.bin"), new byte[]{1, 10, 4});
        writeImages(dir.resolve("unlabeled_X.bin"), 2, 100);
        return dir;
    }

    @Test
    void columnMajorChannelsBecomeHwc(@TempDir Path tmp) throws IOException {
        ImageDataset ds = Stl10BinaryReader.read(make(tmp), Split.TRAIN, 0);
        assertEquals(3, ds.size());
        assertEquals(96, ds.height());
        assertArrayEquals(new int[]{0, 9, 3}, ds.labels());
        for (int i = 0; i < 3; i++) {
            for (int y = 0; y < S; y += 7) {
                for (int x = 0; x < S; x += 5) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(f(i, y, x, c), ds.pixel(i, y, x, c));
                    }
                }
            }
        }
    }

    @Test
    void unlabeledAndTrainPlusUnlabeled(@TempDir Path tmp) throws IOException {
        make(tmp);
        ImageDataset u = Stl10BinaryReader.read(tmp, Split.UNLABELED, 0);
        assertArrayEquals(new int[]{-1, -1}, u.labels());
        assertEquals(f(101, 4, 9, 2), u.pixel(1, 4, 9, 2));
        ImageDataset tu = Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 0);
        assertArrayEquals(new int[]{0, 9, 3, -1, -1}, tu.labels());
        assertEquals(f(100, 50, 60, 1), tu.pixel(3, 50, 60, 1));
        ImageDataset first4 = Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 4);
        assertArrayEquals(new int[]{0, 9, 3, -1}, first4.labels());
        assertNotEquals(tu.sha256(), first4.sha256());
        assertTrue(first4.name().contains("first4"), first4.name());
    }

    @Test
    void badInputsAreNamed(@TempDir Path tmp) throws IOException {
        make(tmp);
        Files.write(tmp.resolve("train_y.bin"), new byte[]{1, 0, 4});
        DataException e = assertThrows(DataException.class, () -> Stl10BinaryReader.read(tmp, Split.TRAIN, 0));
        assertTrue(e.getMessage().contains("train_y.bin") && e.getMessage().contains("record 1"), e.getMessage());
        Files.write(tmp.resolve("train_y.bin"), new byte[]{1, 2});
        e = assertThrows(DataException.class, () -> Stl10BinaryReader.read(tmp, Split.TRAIN, 0));
        assertTrue(e.getMessage().contains("2 labels for 3 images"), e.getMessage());
        byte[] x = Files.readAllBytes(tmp.resolve("train_X.bin"));
        Files.write(tmp.resolve("train_X.bin"), Arrays.copyOf(x, x.length - 10));
        e = assertThrows(DataException.class, () -> Stl10BinaryReader.read(tmp, Split.TRAIN, 0));
        assertTrue(e.getMessage().contains("train_X.bin") && e.getMessage().contains("image 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Stl10BinaryReader.read(tmp, Split.ALL, 0));
    }

    @Test
    void recordsAreSplitAcrossSmallChunks(@TempDir Path tmp) throws IOException {
        make(tmp);
        writeImages(tmp.resolve("unlabeled_X.bin"), 7, 100);
        ImageDataset one = Stl10BinaryReader.read(tmp, Split.UNLABELED, 0);
        ImageDataset u = Stl10BinaryReader.read(tmp, Split.UNLABELED, 0, 3);
        assertEquals(1, one.numChunks());
        assertEquals(3, u.numChunks(), "7 images, 3 per chunk");
        assertEquals(List.of(3 * 27648, 3 * 27648, 27648), List.of(u.chunk(0).length, u.chunk(1).length,
                u.chunk(2).length));
        // image 3 starts chunk 1 and image 6 is alone in chunk 2: read them straight from the chunks (HWC)
        for (int y = 0; y < S; y += 3) {
            for (int x = 0; x < S; x += 2) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(f(103, y, x, c), u.chunk(1)[(y * S + x) * 3 + c] & 0xFF);
                    assertEquals(f(105, y, x, c), u.chunk(1)[27648 * 2 + (y * S + x) * 3 + c] & 0xFF);
                    assertEquals(f(106, y, x, c), u.chunk(2)[(y * S + x) * 3 + c] & 0xFF);
                }
            }
        }
        for (int i = 0; i < 7; i++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(f(100 + i, y, x, c), u.pixel(i, y, x, c));
                    }
                }
            }
            assertArrayEquals(one.image(i), u.image(i), "image " + i);
        }
        assertArrayEquals(new int[]{-1, -1, -1, -1, -1, -1, -1}, u.labels());
        // the hash is the source hash, as before chunking: ContentHash over the file's SHA-256
        String expected = new ContentHash("stl10-binary").addDigest("unlabeled_X.bin",
                ContentHash.sha256(Files.readAllBytes(tmp.resolve("unlabeled_X.bin")), 0, 7 * 27648)).hex();
        assertEquals(expected, one.sha256());
        assertEquals(expected, u.sha256());

        // train (3) + unlabelled (7) in chunks of 4: the train/unlabelled border falls inside chunk 0
        ImageDataset tu = Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 0, 4);
        assertEquals(3, tu.numChunks());
        assertArrayEquals(new int[]{0, 9, 3, -1, -1, -1, -1, -1, -1, -1}, tu.labels());
        assertEquals(Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 0).sha256(), tu.sha256());
        for (int i = 0; i < 10; i++) {
            int src = i < 3 ? i : 100 + i - 3;
            assertEquals(f(src, 95, 0, 2), tu.pixel(i, 95, 0, 2), "image " + i);
            assertEquals(f(src, 17, 80, 0), tu.pixel(i, 17, 80, 0), "image " + i);
        }
        ImageDataset first5 = Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 5, 2);
        assertEquals(3, first5.numChunks());
        assertEquals(f(101, 40, 41, 1), first5.pixel(4, 40, 41, 1));
        assertEquals(Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 5).sha256(), first5.sha256());
    }

    @Test
    void officialSizeUnlabeledFileIsCountedAndNeedsNoLimit(@TempDir Path tmp) throws IOException {
        // a sparse file of the official size; reading it whole is left to Stl10FullUnlabeledTest (2.76 GB)
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(tmp.resolve("unlabeled_X.bin").toFile(), "rw")) {
            raf.setLength(100_000L * 96 * 96 * 3);
        }
        assertEquals(100_000, Stl10BinaryReader.count(tmp.resolve("unlabeled_X.bin")));
        ImageDataset head = Stl10BinaryReader.read(tmp, Split.UNLABELED, 3);
        assertEquals(3, head.size());
        assertEquals(0, head.pixel(2, 95, 95, 2));
        assertTrue(head.name().contains("first3"), head.name());
    }
}
