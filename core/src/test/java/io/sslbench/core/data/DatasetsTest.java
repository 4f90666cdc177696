package io.sslbench.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class DatasetsTest {
    /** A root with cifar-10-batches-bin holding 3 records per train batch and 2 test records from the real subset. */
    static Path miniCifarRoot(Path root) throws IOException {
        byte[] raw = Files.readAllBytes(SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin"));
        Path d = Files.createDirectories(root.resolve("cifar-10-batches-bin"));
        int k = 0;
        for (String f : CifarBinaryReader.cifar10Files(Split.TRAIN)) {
            Files.write(d.resolve(f), Arrays.copyOfRange(raw, k * 3 * 3073, (k + 1) * 3 * 3073));
            k++;
        }
        Files.write(d.resolve("test_batch.bin"), Arrays.copyOfRange(raw, 15 * 3073, 17 * 3073));
        return root;
    }

    @Test
    void dataRootPrecedence() {
        assertEquals(Path.of("/x/explicit"), DataRoot.resolve("/x/explicit", Map.of(DataRoot.ENV, "/x/env"), "/home/u").path());
        DataRoot env = DataRoot.resolve(null, Map.of(DataRoot.ENV, "/x/env"), "/home/u");
        assertEquals(Path.of("/x/env"), env.path());
        assertEquals(DataRoot.ENV, env.origin());
        DataRoot def = DataRoot.resolve(" ", Map.of(), "/home/u");
        assertEquals(Path.of("/home/u/.cache/sslbench/data"), def.path());
        assertEquals("default", def.origin());
    }

    @Test
    void cifar10BinaryBatchesConcatenateInOrder(@TempDir Path tmp) throws IOException {
        DataRoot root = DataRoot.of(miniCifarRoot(tmp));
        ImageDataset train = Datasets.load("cifar10", "train", root, false);
        assertEquals("cifar10/train", train.name());
        assertEquals(15, train.size());
        ImageDataset subset = CifarBinaryReader.read("s", "cifar10-binary",
                List.of(SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin")), 1, 0,
                CifarBinaryReader.CIFAR10_CLASSES);
        assertArrayEquals(Arrays.copyOf(subset.labels(), 15), train.labels());
        assertArrayEquals(Arrays.copyOf(subset.pixels(), 15 * 3072), train.pixels());
        assertEquals(3, Datasets.load("cifar10", "train", root, LoadOptions.defaults().withMaxImages(3)).size());
        assertThrows(IllegalArgumentException.class, () -> Datasets.load("cifar10", "unlabeled", root, false));
        assertThrows(IllegalArgumentException.class, () -> Datasets.load("imagenet", "train", root, false));
    }

    @Test
    void cifar10JpgCopyIsUsedWhenNoBinaryAndChecksClassOrder(@TempDir Path tmp) throws IOException {
        Path train = Files.createDirectories(tmp.resolve("root/cifar10-jpg/train"));
        ImageFolderReaderTest.copy(train, CifarBinaryReader.CIFAR10_CLASSES, 1);
        DataRoot root = DataRoot.of(tmp.resolve("root"));
        ImageDataset ds = Datasets.load("cifar10", "train", root, LoadOptions.defaults().withThreads(2));
        assertEquals(10, ds.size());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ds.labels());
        assertEquals(CifarBinaryReader.CIFAR10_CLASSES, ds.classNames());
        assertTrue(Files.isDirectory(tmp.resolve("root/.cache")), "decoded cache under the data root's .cache/");
        // the shared copy's sorted class folders are the CIFAR-10 label order
        try (var s = Files.list(SharedData.dataset("cifar10-jpg/train"))) {
            assertEquals(CifarBinaryReader.CIFAR10_CLASSES,
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Files.move(train.resolve("ship"), train.resolve("boat"));
        DataException e = assertThrows(DataException.class, () -> Datasets.load("cifar10", "train", root, false));
        assertTrue(e.getMessage().contains("not the CIFAR-10 classes"), e.getMessage());
        // test split absent: the error says where the files go
        e = assertThrows(DataException.class, () -> Datasets.load("cifar10", "test", root, false));
        assertTrue(e.getMessage().contains("cifar-10-batches-bin") && e.getMessage().contains("cifar10-jpg"), e.getMessage());
    }

    @Test
    void imageFolderIdsAndSplits(@TempDir Path tmp) throws IOException {
        Path base = tmp.resolve("myset");
        ImageFolderReaderTest.copy(Files.createDirectories(base.resolve("train")), List.of("cat", "dog"), 2);
        DataRoot root = DataRoot.of(tmp.resolve("root"));
        ImageDataset ds = Datasets.load("imagefolder:" + base, "train", root, false);
        assertEquals(4, ds.size());
        assertEquals(List.of("cat", "dog"), ds.classNames());
        DataException e = assertThrows(DataException.class, () -> Datasets.load("imagefolder:" + base, "test", root, false));
        assertTrue(e.getMessage().contains(base.resolve("test").toString()), e.getMessage());
        ImageDataset flat = Datasets.load("imagefolder:" + base.resolve("train/cat"), "all", root, false);
        assertArrayEquals(new int[]{-1, -1}, flat.labels());
    }
}
