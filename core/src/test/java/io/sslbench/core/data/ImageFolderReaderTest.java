package io.sslbench.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageFolderReaderTest {
    private static final Path JPG = SharedData.dataset("cifar10-jpg");

    /** Copies the first {@code n} train images of each class into tmp/&lt;class&gt;/. */
    static Path copy(Path tmp, List<String> classes, int n) throws IOException {
        for (String c : classes) {
            Files.createDirectories(tmp.resolve(c));
            for (int i = 0; i < n; i++) {
                String f = String.format("%04d.jpg", i);
                Files.copy(JPG.resolve("train").resolve(c).resolve(f), tmp.resolve(c).resolve(f));
            }
        }
        return tmp;
    }

    @Test
    void classesSortedLabelsAndPixelsMatchAnIndependentDecode(@TempDir Path tmp) throws IOException {
        copy(tmp, List.of("truck", "airplane", "frog"), 4);
        ImageDataset ds = ImageFolderReader.read(tmp, "jpg", null, 2);
        assertEquals(List.of("airplane", "frog", "truck"), ds.classNames());
        assertArrayEquals(new int[]{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, ds.labels());
        assertEquals(32, ds.height());
        assertEquals(3, ds.channels());
        // image 6 is frog/0002.jpg; compare with the JDK's getRGB (packed ARGB) path
        BufferedImage ref = ImageIO.read(tmp.resolve("frog/0002.jpg").toFile());
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int argb = ref.getRGB(x, y);
                assertEquals((argb >> 16) & 0xFF, ds.pixel(6, y, x, 0));
                assertEquals((argb >> 8) & 0xFF, ds.pixel(6, y, x, 1));
                assertEquals(argb & 0xFF, ds.pixel(6, y, x, 2));
            }
        }
        // exact: each file is decoded whole by one thread (ImageIO, integer output), only the assignment varies
        assertArrayEquals(ds.pixels(), ImageFolderReader.read(tmp, "jpg", null, 1).pixels(), "1 vs 2 threads");
    }

    @Test
    void jpegCopyIsCloseToTheBinaryRecord(@TempDir Path tmp) throws IOException {
        // train/frog/0000.jpg is the first frog of data_batch_1 (record 0, label 6); JPEG is lossy, so close, not equal
        copy(tmp, List.of("frog"), 1);
        ImageDataset jpg = ImageFolderReader.read(tmp, "jpg", null, 1);
        byte[] raw = Files.readAllBytes(SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin"));
        assertEquals(6, raw[0]);
        double same = 0, other = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                for (int c = 0; c < 3; c++) {
                    same += Math.abs(jpg.pixel(0, y, x, c) - (raw[1 + c * 1024 + y * 32 + x] & 0xFF));
                    other += Math.abs(jpg.pixel(0, y, x, c) - (raw[3073 + 1 + c * 1024 + y * 32 + x] & 0xFF));
                }
            }
        }
        assertTrue(same / 3072 < 12, "mean abs error to its own record " + same / 3072);
        assertTrue(other / 3072 > 30, "mean abs error to another record " + other / 3072);
    }

    @Test
    void flatFolderIsUnlabelled(@TempDir Path tmp) throws IOException {
        copy(tmp, List.of("cat"), 3);
        ImageDataset ds = ImageFolderReader.read(tmp.resolve("cat"), "flat", null, 1);
        assertEquals(3, ds.size());
        assertEquals(0, ds.numClasses());
        assertArrayEquals(new int[]{-1, -1, -1}, ds.labels());
    }

    @Test
    void grayscalePngIsReplicatedWithoutColourConversion(@TempDir Path tmp) throws IOException {
        BufferedImage g = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                g.getRaster().setSample(x, y, 0, 10 * x + 50 * y);
            }
        }
        Files.createDirectories(tmp.resolve("a"));
        ImageIO.write(g, "png", tmp.resolve("a/g.png").toFile());
        ImageDataset ds = ImageFolderReader.read(tmp, "gray", null, 1);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(10 * x + 50 * y, ds.pixel(0, y, x, c));
                }
            }
        }
    }

    @Test
    void badImagesAreReportedByPath(@TempDir Path tmp) throws IOException {
        copy(tmp, List.of("bird", "cat"), 3);
        Path cut = tmp.resolve("cat/0001.jpg");
        byte[] full = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        DataException e = assertThrows(DataException.class, () -> ImageFolderReader.read(tmp, "x", null, 2));
        assertEquals(cut, e.file(), e.getMessage());
        assertTrue(e.getMessage().contains("unreadable image"), e.getMessage());

        Files.write(cut, full);
        Path junk = tmp.resolve("bird/zz.png");
        Files.writeString(junk, "not a png");
        e = assertThrows(DataException.class, () -> ImageFolderReader.read(tmp, "x", null, 2));
        assertEquals(junk, e.file(), e.getMessage());

        Files.delete(junk);
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR), "png", tmp.resolve("cat/small.png").toFile());
        e = assertThrows(DataException.class, () -> ImageFolderReader.read(tmp, "x", null, 2));
        assertTrue(e.getMessage().contains("small.png") && e.getMessage().contains("16x16")
                && e.getMessage().contains("32x32"), e.getMessage());

        Files.delete(tmp.resolve("cat/small.png"));
        Files.writeString(tmp.resolve("cat/notes.txt"), "ignored: not an image extension");
        Files.writeString(tmp.resolve("stray.jpg"), "x");
        e = assertThrows(DataException.class, () -> ImageFolderReader.read(tmp, "x", null, 2));
        assertTrue(e.getMessage().contains("mixes images"), e.getMessage());
        Files.delete(tmp.resolve("stray.jpg"));
        assertEquals(6, ImageFolderReader.read(tmp, "x", null, 2).size());
    }

    @Test
    void cacheHitMissAndRebuildOnChange(@TempDir Path tmp) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        copy(src, List.of("dog", "ship"), 3);
        DecodedCache cache = new DecodedCache(tmp.resolve("cache"));
        ImageDataset cold = ImageFolderReader.read(src, "pets", cache, 2);
        assertEquals(0, cache.hits());
        assertEquals(1, cache.misses());
        ImageDataset warm = ImageFolderReader.read(src, "pets", cache, 2);
        assertEquals(1, cache.hits());
        assertArrayEquals(cold.pixels(), warm.pixels());
        assertArrayEquals(cold.labels(), warm.labels());
        assertEquals(cold.sha256(), warm.sha256());
        assertEquals(cold.classNames(), warm.classNames());

        // replace one image by another one: listing (size, mtime) and content hash change, cache rebuilt
        Path changed = src.resolve("ship/0001.jpg");
        Files.copy(JPG.resolve("train/ship/0100.jpg"), changed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        ImageDataset rebuilt = ImageFolderReader.read(src, "pets", cache, 2);
        assertEquals(2, cache.misses());
        assertNotEquals(cold.sha256(), rebuilt.sha256());
        ImageDataset direct = ImageFolderReader.read(src, "pets", null, 1);
        assertArrayEquals(direct.pixels(), rebuilt.pixels());
        assertEquals(direct.sha256(), rebuilt.sha256());
        try (var files = Files.list(cache.dir())) {
            assertEquals(1, files.count(), "one cache file per source, replaced in place, no temp files left");
        }

        // a damaged cache file is a miss, not an error, and gets rewritten
        Path f = cache.fileFor(src.toAbsolutePath().normalize() + "|pets");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 7));
        ImageDataset again = ImageFolderReader.read(src, "pets", cache, 2);
        assertEquals(3, cache.misses());
        assertArrayEquals(direct.pixels(), again.pixels());
        assertEquals(b.length, Files.size(f));
        ImageFolderReader.read(src, "pets", cache, 2);
        assertEquals(2, cache.hits());
    }
}
