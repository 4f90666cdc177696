package io.sslbench.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class CifarBinaryReaderTest {
    private static final Path SUBSET = SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin");

    private static ImageDataset readSubset(Path file) {
        return CifarBinaryReader.read("cifar10/subset", "cifar10-binary", List.of(file), 1, 0,
                CifarBinaryReader.CIFAR10_CLASSES);
    }

    @Test
    void realSubsetLabelsAndPixelsMatchRawRecords() throws IOException {
        ImageDataset ds = readSubset(SUBSET);
        assertEquals(4000, ds.size());
        assertEquals(32, ds.height());
        assertEquals(32, ds.width());
        assertEquals(3, ds.channels());
        assertArrayEquals(new int[]{6, 9, 9, 4, 1, 1, 2, 7, 8, 3}, Arrays.copyOf(ds.labels(), 10));
        // pixel (image r, row y, col x, channel c) is byte 1 + c*1024 + y*32 + x of record r (3073 bytes)
        byte[] raw = Files.readAllBytes(SUBSET);
        assertEquals(raw[5 * 3073 + 1 + 2 * 1024 + 7 * 32 + 11] & 0xFF, ds.pixel(5, 7, 11, 2));
        Random rnd = new Random(7);
        for (int k = 0; k < 2000; k++) {
            int r = rnd.nextInt(4000), y = rnd.nextInt(32), x = rnd.nextInt(32), c = rnd.nextInt(3);
            assertEquals(raw[r * 3073 + 1 + c * 1024 + y * 32 + x] & 0xFF, ds.pixel(r, y, x, c));
        }
        for (int r = 0; r < 4000; r++) {
            assertEquals(raw[r * 3073] & 0xFF, ds.labels()[r]);
        }
    }

    @Test
    void hashFollowsContentNotLocation(@TempDir Path tmp) throws IOException {
        byte[] raw = Arrays.copyOf(Files.readAllBytes(SUBSET), 3073 * 20);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Files.write(a.resolve("data_batch_1.bin"), raw);
        Files.write(b.resolve("data_batch_1.bin"), raw);
        String ha = readSubset(a.resolve("data_batch_1.bin")).sha256();
        assertEquals(ha, readSubset(b.resolve("data_batch_1.bin")).sha256());
        raw[3073 * 3 + 100] ^= 1;
        Files.write(b.resolve("data_batch_1.bin"), raw);
        assertNotEquals(ha, readSubset(b.resolve("data_batch_1.bin")).sha256());
    }

    @Test
    void cifar100UsesFineLabel(@TempDir Path tmp) throws IOException {
        byte[] rec = new byte[2 * 3074];
        rec[0] = 3;      // coarse
        rec[1] = 77;     // fine
        rec[3074] = 19;
        rec[3075] = 4;
        for (int p = 0; p < 3072; p++) {
            rec[2 + p] = (byte) (p % 251);
        }
        Files.write(tmp.resolve("train.bin"), rec);
        ImageDataset ds = CifarBinaryReader.readCifar100(tmp, Split.TRAIN);
        assertEquals(2, ds.size());
        assertArrayEquals(new int[]{77, 4}, ds.labels());
        assertEquals(100, ds.numClasses());
        assertEquals("snail", ds.classNames().get(77), "line 78 of fine_label_names.txt");
        // planar R plane then G then B: (y=3, x=5, c=1) is byte 2 + 1024 + 3*32 + 5 of record 0
        assertEquals((1024 + 3 * 32 + 5) % 251, ds.pixel(0, 3, 5, 1));
    }

    @Test
    void cifar100ClassListIsTheSortedHundred() {
        List<String> c = CifarBinaryReader.CIFAR100_CLASSES;
        assertEquals(100, c.size());
        assertEquals(100, c.stream().distinct().count());
        assertEquals(c.stream().sorted().toList(), c, "fine_label_names.txt is alphabetical");
    }

    @Test
    void truncatedFileNamesFileAndRecord(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("data_batch_1.bin");
        Files.write(f, Arrays.copyOf(Files.readAllBytes(SUBSET), 3 * 3073 + 100));
        DataException e = assertThrows(DataException.class, () -> readSubset(f));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("record 3"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesRecord(@TempDir Path tmp) throws IOException {
        byte[] raw = Arrays.copyOf(Files.readAllBytes(SUBSET), 4 * 3073);
        raw[2 * 3073] = 10;
        Path f = tmp.resolve("test_batch.bin");
        Files.write(f, raw);
        DataException e = assertThrows(DataException.class, () -> CifarBinaryReader.readCifar10(tmp, Split.TEST));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("record 2")
                && e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void missingBatchIsNamed(@TempDir Path tmp) {
        DataException e = assertThrows(DataException.class, () -> CifarBinaryReader.readCifar10(tmp, Split.TRAIN));
        assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());
    }

    @Test
    void wrongClassNamesFileIsRefused(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("test_batch.bin"), Arrays.copyOf(Files.readAllBytes(SUBSET), 3073));
        Files.writeString(tmp.resolve("batches.meta.txt"), "cat\ndog\n");
        assertThrows(DataException.class, () -> CifarBinaryReader.readCifar10(tmp, Split.TEST));
        Files.writeString(tmp.resolve("batches.meta.txt"), String.join("\n", CifarBinaryReader.CIFAR10_CLASSES) + "\n\n");
        assertEquals(1, CifarBinaryReader.readCifar10(tmp, Split.TEST).size());
    }
}
