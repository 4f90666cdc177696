package io.sslbench.core.data;

import io.sslbench.core.aug.FloatImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Chunked pixel storage on real CIFAR-10 records: a set read into chunks of 3 images must be image for image,
 * label for label and hash for hash the set read into one array.
 */
class ChunkedImageDatasetTest {
    private static final Path SUBSET = SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin");
    private static final int M = 3;
    private static ImageDataset single;
    private static ImageDataset chunked;

    @BeforeAll
    static void read() {
        single = CifarBinaryReader.read("cifar10/subset", "cifar10-binary", List.of(SUBSET), 1, 0,
                CifarBinaryReader.CIFAR10_CLASSES);
        chunked = CifarBinaryReader.read("cifar10/subset", "cifar10-binary", List.of(SUBSET), 1, 0,
                CifarBinaryReader.CIFAR10_CLASSES, M);
    }

    /** Asserts a and b hold the same images and labels, comparing image copies and single pixels. */
    private static void assertSameImages(ImageDataset a, ImageDataset b) {
        assertEquals(a.size(), b.size());
        assertArrayEquals(a.labels(), b.labels());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.image(i), b.image(i), "image " + i);
        }
    }

    @Test
    void chunkedReadEqualsSingleArrayReadImageByImage() throws IOException {
        assertEquals(1, single.numChunks());
        assertEquals(4000, chunked.size());
        assertEquals(M, chunked.chunkImages());
        assertEquals(1334, chunked.numChunks(), "ceil(4000/3)");
        assertEquals(4000L * 3072, chunked.totalBytes());
        assertSameImages(single, chunked);
        byte[] whole = single.pixels();
        for (int k = 0; k < chunked.numChunks(); k++) {
            byte[] c = chunked.chunk(k);
            int images = k < 1333 ? 3 : 1;
            assertEquals(images * 3072, c.length, "chunk " + k);
            assertArrayEquals(Arrays.copyOfRange(whole, k * 3 * 3072, (k * 3 + images) * 3072), c, "chunk " + k);
        }
        // image i is chunk i/3 at (i%3)*3072, and equals the raw record (planar) at every pixel checked
        byte[] raw = Files.readAllBytes(SUBSET);
        for (int i : new int[]{0, 2, 3, 4, 5, 6, 3998, 3999}) {
            assertEquals(i / 3, chunked.chunkIndex(i));
            assertEquals((i % 3) * 3072, chunked.chunkOffset(i));
            for (int c = 0; c < 3; c++) {
                assertEquals(raw[i * 3073 + 1 + c * 1024 + 9 * 32 + 17] & 0xFF, chunked.pixel(i, 9, 17, c));
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, chunked::pixels);
        assertTrue(e.getMessage().contains("cifar10/subset") && e.getMessage().contains("1334 chunks"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> chunked.image(4000));
    }

    @Test
    void hashIsTheSourceHashWhateverTheChunking() throws IOException {
        // the CIFAR reader's definition: ContentHash over the file's bytes; chunking must not enter it
        byte[] raw = Files.readAllBytes(SUBSET);
        String expected = new ContentHash("cifar10-binary").add(SUBSET.getFileName().toString(), raw, 0, raw.length)
                .hex();
        assertEquals(expected, single.sha256());
        assertEquals(expected, chunked.sha256());
        assertEquals(single.head(10).sha256(), chunked.head(10).sha256());
    }

    @Test
    void subsetBalancedAndHeadCrossChunkBoundaries() {
        int[] idx = {2, 3, 5, 6, 3999, 0, 1, 4, 2, 3997};
        ImageDataset s = chunked.subset(idx, "x");
        assertEquals(M, s.chunkImages(), "a subset keeps its source's chunk capacity");
        assertEquals(4, s.numChunks());
        for (int j = 0; j < idx.length; j++) {
            assertArrayEquals(single.image(idx[j]), s.image(j), "subset row " + j);
            assertEquals(single.labels()[idx[j]], s.labels()[j]);
        }
        ImageDataset ref = single.subset(idx, "x");
        assertEquals(ref.sha256(), s.sha256());
        assertEquals(ref.name(), s.name());
        assertSameImages(ref, s);

        ImageDataset b = chunked.balanced(25);
        ImageDataset bRef = single.balanced(25);
        assertEquals(25, b.size());
        assertEquals(bRef.sha256(), b.sha256());
        assertSameImages(bRef, b);
        int[] perClass = new int[10];
        for (int l : b.labels()) {
            perClass[l]++;
        }
        for (int k = 0; k < 10; k++) {
            assertTrue(perClass[k] == 2 || perClass[k] == 3, "class " + k + ": " + perClass[k]);
        }

        ImageDataset h = chunked.head(7);
        assertEquals(3, h.numChunks());
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(single.image(i), h.image(i));
        }
        assertEquals(single.head(7).sha256(), h.sha256());
        ImageDataset empty = chunked.head(0);
        assertEquals(0, empty.size());
        assertEquals(1, empty.numChunks());
        assertEquals(0, empty.pixels().length);
    }

    @Test
    void rechunkAndDownstreamReadersSeeTheSameImages() {
        ImageDataset back = chunked.rechunk(4000);
        assertEquals(1, back.numChunks());
        assertArrayEquals(single.pixels(), back.pixels());
        assertEquals(single.sha256(), back.sha256());
        ImageDataset seven = single.head(40).rechunk(7);
        assertEquals(6, seven.numChunks());
        assertSameImages(single.head(40), seven);

        int[] batch = {3999, 2, 3, 1000, 5};
        float[] mean = {0.4914f, 0.4822f, 0.4465f};
        float[] std = {0.247f, 0.243f, 0.261f};
        INDArray a = Tensors.toNchw(single, batch, mean, std);
        INDArray b = Tensors.toNchw(chunked, batch, mean, std);
        // exact: the same Java loop (one multiply-add per byte) on identical bytes; only their storage differs
        assertArrayEquals(a.data().asFloat(), b.data().asFloat());
        for (int i : batch) {
            assertEquals(FloatImage.fromDataset(single, i), FloatImage.fromDataset(chunked, i), "image " + i);
        }
    }

    @Test
    void chunkLayoutIsValidated() {
        List<byte[]> ok = ImageDataset.allocateChunks(5, 12, 2);
        assertEquals(List.of(24, 24, 12), ok.stream().map(c -> c.length).toList());
        int[] lb = {-1, -1, -1, -1, -1};
        assertEquals(3, ImageDataset.ofChunks("t", 2, 2, 3, ok, 2, lb, List.of(), "h").numChunks());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDataset.ofChunks("t",
                2, 2, 3, List.of(new byte[24], new byte[12], new byte[12]), 2, lb, List.of(), "h"));
        assertTrue(e.getMessage().contains("t: 12 pixel bytes in chunk 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageDataset.ofChunks("t", 2, 2, 3,
                List.of(new byte[24], new byte[24]), 2, lb, List.of(), "h"));
        assertTrue(e.getMessage().contains("2 pixel chunks for 5 images"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageDataset("t", 2, 2, 3, new byte[59], lb,
                List.of(), "h"));
        assertTrue(e.getMessage().contains("59 pixel bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageDataset.allocateChunks(5, 1 << 20, 4096));
        assertEquals(349_525, ImageDataset.defaultChunkImages(3072), "floor(2^30 / 3072)");
        // STL-10 96x96x3: 38,836 images per 1 GiB chunk, so the 100,000 unlabelled images make 3 chunks
        assertEquals(38_836, Stl10BinaryReader.DEFAULT_CHUNK_IMAGES);
        assertTrue(38_836L * 27_648 <= 1L << 30 && 38_837L * 27_648 > 1L << 30);
    }

    @Test
    void decodedCacheRoundTripsAMultiChunkSet(@TempDir Path tmp) throws IOException {
        ImageDataset part = chunked.head(50);
        assertEquals(17, part.numChunks());
        DecodedCache cache = new DecodedCache(tmp);
        cache.put("chunked", "k1", part);
        cache.put("single", "k1", single.head(50));
        assertArrayEquals(Files.readAllBytes(cache.fileFor("single")), Files.readAllBytes(cache.fileFor("chunked")),
                "the file format does not depend on the chunking");

        ImageDataset back = cache.get("chunked", "k1", 4);
        assertEquals(13, back.numChunks());
        assertEquals(part.name(), back.name());
        assertEquals(part.sha256(), back.sha256());
        assertEquals(part.classNames(), back.classNames());
        assertSameImages(part, back);
        ImageDataset whole = cache.get("chunked", "k1");
        assertEquals(1, whole.numChunks());
        assertArrayEquals(single.head(50).pixels(), whole.pixels());
        assertNull(cache.get("chunked", "k2", 4), "another key is a miss");
        assertEquals(2, cache.hits());
    }
}
