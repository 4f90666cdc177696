package io.sslbench.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
    void chunkedStorageHoldsTheSameImagesAcrossChunkBoundaries(@TempDir Path tmp) throws IOException {
        make(tmp);
        writeImages(tmp.resolve("unlabeled_X.bin"), 7, 100); // train (3) + unlabelled (7) = 10 images
        ImageDataset whole = Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 0);
        ImageDataset chunked = Stl10BinaryReader.read(tmp, Split.TRAIN_UNLABELED, 0, 4); // chunks of 4, 4, 2 images
        assertEquals(1, whole.chunkCount());
        assertEquals(3, chunked.chunkCount());
        assertEquals(whole.sha256(), chunked.sha256(), "the storage does not change the data hash");
        assertArrayEquals(whole.labels(), chunked.labels());
        assertArrayEquals(new int[]{0, 9, 3, -1, -1, -1, -1, -1, -1, -1}, chunked.labels());
        byte[] a = new byte[S * S * 3], b = new byte[S * S * 3];
        for (int i = 0; i < 10; i++) {
            whole.copyImage(i, a, 0);
            chunked.copyImage(i, b, 0);
            assertArrayEquals(a, b, "image " + i);
            int src = i < 3 ? i : 100 + i - 3;
            assertEquals(f(src, 95, 1, 2), chunked.pixel(i, 95, 1, 2), "image " + i);
            assertEquals(f(src, 0, 94, 0), chunked.pixel(i, 0, 94, 0), "image " + i);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, chunked::pixels);
        assertTrue(e.getMessage().contains("3 chunks"), e.getMessage());
        // subsets read across chunk boundaries
        ImageDataset sub = chunked.subset(new int[]{9, 3, 4, 0}, "x");
        for (int j = 0; j < 4; j++) {
            chunked.copyImage(new int[]{9, 3, 4, 0}[j], a, 0);
            sub.copyImage(j, b, 0);
            assertArrayEquals(a, b);
        }
        assertArrayEquals(new int[]{-1, -1, -1, 0}, sub.labels());
        // the decoded cache stores and restores every chunk
        DecodedCache cache = new DecodedCache(tmp.resolve("cache"));
        cache.put("stl", "k", chunked);
        ImageDataset back = cache.get("stl", "k");
        assertEquals(chunked.sha256(), back.sha256());
        for (int i = 0; i < 10; i++) {
            chunked.copyImage(i, a, 0);
            back.copyImage(i, b, 0);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void fullUnlabeledSplitIsChunkedNotRefused(@TempDir Path tmp) throws IOException {
        // a sparse file of the official size (100,000 images, 2.76 GB): planned in 1 GiB chunks, not refused
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(tmp.resolve("unlabeled_X.bin").toFile(), "rw")) {
            raf.setLength(100_000L * 96 * 96 * 3);
        }
        assertEquals(100_000, Stl10BinaryReader.count(tmp.resolve("unlabeled_X.bin")));
        assertEquals(38_836, ImageDataset.imagesPerChunk(96 * 96 * 3));
        byte[][] plan = ImageDataset.allocate(10, 7, 4); // the same arithmetic on a small scale: 4 + 4 + 2 images
        assertArrayEquals(new int[]{28, 28, 14}, Arrays.stream(plan).mapToInt(c -> c.length).toArray());
        ImageDataset head = Stl10BinaryReader.read(tmp, Split.UNLABELED, 3);
        assertEquals(3, head.size());
        assertEquals(0, head.pixel(2, 95, 95, 2));
    }
}
