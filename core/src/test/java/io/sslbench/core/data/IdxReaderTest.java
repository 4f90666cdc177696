package io.sslbench.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class IdxReaderTest {
    private static final Path FASHION = SharedData.dataset("fashion-mnist");

    /** Decompresses a .gz with the JDK alone, independent of the reader. */
    private static byte[] gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @Test
    void realFashionMnistSplits() throws IOException {
        ImageDataset train = IdxReader.readSplit(FASHION, "fashion-mnist", Split.TRAIN, IdxReader.FASHION_CLASSES);
        assertEquals(60000, train.size());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals(1, train.channels());
        byte[] lbl = gunzip(FASHION.resolve("train-labels-idx1-ubyte.gz"));
        // idx1 header: magic 0x00000801, count; then one byte per label
        assertEquals(0x0801, ((lbl[2] & 0xFF) << 8) | (lbl[3] & 0xFF));
        for (int i = 0; i < 60000; i++) {
            assertEquals(lbl[8 + i] & 0xFF, train.labels()[i], "label " + i);
        }
        byte[] img = gunzip(FASHION.resolve("train-images-idx3-ubyte.gz"));
        // idx3 header is 16 bytes; image i pixel (y, x) at 16 + i*784 + y*28 + x
        for (int i : new int[]{0, 1, 59999}) {
            for (int y = 0; y < 28; y += 3) {
                for (int x = 0; x < 28; x += 2) {
                    assertEquals(img[16 + i * 784 + y * 28 + x] & 0xFF, train.pixel(i, y, x, 0));
                }
            }
        }
        ImageDataset test = IdxReader.readSplit(FASHION, "fashion-mnist", Split.TEST, IdxReader.FASHION_CLASSES);
        assertEquals(10000, test.size());
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            perClass[l]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, perClass, "Fashion-MNIST test set is balanced, 1000 per class");
    }

    @Test
    void plainAndGzipGiveTheSameDataAndHash(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), gunzip(FASHION.resolve("t10k-images-idx3-ubyte.gz")));
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), gunzip(FASHION.resolve("t10k-labels-idx1-ubyte.gz")));
        ImageDataset plain = IdxReader.readSplit(tmp, "fashion-mnist", Split.TEST, IdxReader.FASHION_CLASSES);
        ImageDataset gz = IdxReader.readSplit(FASHION, "fashion-mnist", Split.TEST, IdxReader.FASHION_CLASSES);
        assertArrayEquals(gz.pixels(), plain.pixels());
        assertArrayEquals(gz.labels(), plain.labels());
        assertEquals(gz.sha256(), plain.sha256());
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        byte[] b = new byte[4 + 4 * dims.length + data.length];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        bb.putInt(magic);
        for (int d : dims) {
            bb.putInt(d);
        }
        bb.put(data);
        return b;
    }

    @Test
    void badMagicTruncationAndLabelsAreNamed(@TempDir Path tmp) throws IOException {
        Path images = tmp.resolve("train-images-idx3-ubyte");
        Path labels = tmp.resolve("train-labels-idx1-ubyte");
        Files.write(images, idx(0x0803, new int[]{3, 28, 28}, new byte[3 * 784]));
        Files.write(labels, idx(0x0801, new int[]{3}, new byte[]{1, 2, 3}));
        assertEquals(3, IdxReader.readSplit(tmp, "mnist", Split.TRAIN, IdxReader.MNIST_CLASSES).size());

        Files.write(labels, idx(0x0803, new int[]{3}, new byte[]{1, 2, 3}));
        DataException e = assertThrows(DataException.class,
                () -> IdxReader.readSplit(tmp, "mnist", Split.TRAIN, IdxReader.MNIST_CLASSES));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("bad idx magic"),
                e.getMessage());

        Files.write(labels, idx(0x0801, new int[]{3}, new byte[]{1, 12, 3}));
        e = assertThrows(DataException.class,
                () -> IdxReader.readSplit(tmp, "mnist", Split.TRAIN, IdxReader.MNIST_CLASSES));
        assertTrue(e.getMessage().contains("record 1") && e.getMessage().contains("label 12"), e.getMessage());

        Files.write(labels, idx(0x0801, new int[]{3}, new byte[]{1, 2, 3}));
        Files.write(images, idx(0x0803, new int[]{3, 28, 28}, new byte[2 * 784 + 100]));
        e = assertThrows(DataException.class,
                () -> IdxReader.readSplit(tmp, "mnist", Split.TRAIN, IdxReader.MNIST_CLASSES));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("record 2"),
                e.getMessage());

        // a gzip stream cut short is reported as such (the .gz is preferred over the plain file)
        byte[] full = idx(0x0803, new int[]{3, 28, 28}, new byte[3 * 784]);
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(full);
        }
        byte[] gzBytes = bos.toByteArray();
        Path gzFile = tmp.resolve("train-images-idx3-ubyte.gz");
        Files.write(gzFile, Arrays.copyOf(gzBytes, gzBytes.length / 2));
        e = assertThrows(DataException.class,
                () -> IdxReader.readSplit(tmp, "mnist", Split.TRAIN, IdxReader.MNIST_CLASSES));
        assertEquals(gzFile, e.file(), e.getMessage());
    }
}
