package io.sslbench.core.data;

import io.sslbench.core.data.download.Fetcher;
import io.sslbench.core.util.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DataTasksTest {
    private record Result(int rc, String out) {}

    /** {@code task} is "list" or "verify <dataset>", the last two arguments "--data-root" and the root. */
    private static Result run(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8);
        String rootArg = args[args.length - 1].startsWith("--data-root=") ? args[args.length - 1].substring(12)
                : args[args.length - 1];
        DataRoot root = DataRoot.resolve(rootArg);
        int rc = args[0].equals("list") ? DataTasks.list(root, out) : DataTasks.verify(KnownDataset.byId(args[1]), root, out);
        return new Result(rc, b.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listShowsPresentSplitsWithCounts(@TempDir Path tmp) throws IOException {
        DatasetsTest.miniCifarRoot(tmp);
        Files.createSymbolicLink(tmp.resolve("fashion-mnist"), SharedData.dataset("fashion-mnist"));
        Result r = run("list", "--data-root", tmp.toString());
        assertEquals(0, r.rc());
        assertTrue(r.out().contains("data root: " + tmp), r.out());
        assertTrue(r.out().matches("(?s).*cifar10\\s+train\\s+15\\s+cifar-10-batches-bin/.*"), r.out());
        assertTrue(r.out().matches("(?s).*cifar10\\s+test\\s+2\\s+cifar-10-batches-bin/.*"), r.out());
        assertTrue(r.out().matches("(?s).*fashion-mnist\\s+train\\s+60000\\s+fashion-mnist/.*"), r.out());
        assertTrue(r.out().matches("(?s).*fashion-mnist\\s+test\\s+10000\\s+fashion-mnist/.*"), r.out());
        assertTrue(r.out().matches("(?s).*stl10\\s+-\\s+-\\s+absent.*"), r.out());
    }

    @Test
    void verifyChecksManifestAndCounts(@TempDir Path tmp) throws IOException {
        DatasetsTest.miniCifarRoot(tmp);
        StringBuilder m = new StringBuilder("# test manifest\n");
        for (String f : new String[]{"data_batch_1.bin", "test_batch.bin"}) {
            Path p = tmp.resolve("cifar-10-batches-bin").resolve(f);
            m.append(Hashing.fileHex(p, "SHA-256")).append("  cifar-10-batches-bin/").append(f).append('\n');
        }
        Path manifest = Fetcher.manifestFor(tmp, "cifar-10-binary.tar.gz");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, m);
        Result r = run("verify", "cifar10", "--data-root=" + tmp);
        assertTrue(r.out().contains("2 extracted files match the manifest"), r.out());
        assertTrue(r.out().contains("train: 15 records, official 50000  MISMATCH"), r.out());
        assertEquals(1, r.rc(), "a miniature CIFAR-10 is not the official one");

        byte[] b = Files.readAllBytes(tmp.resolve("cifar-10-batches-bin/test_batch.bin"));
        b[500] ^= 1;
        Files.write(tmp.resolve("cifar-10-batches-bin/test_batch.bin"), b);
        r = run("verify", "cifar10", "--data-root", tmp.toString());
        assertTrue(r.out().contains("cifar-10-batches-bin/test_batch.bin: SHA-256 differs"), r.out());
        assertTrue(r.out().contains("1 extracted files match"), r.out());
    }

    @Test
    void verifyReportsPublishedMd5AndRecountsFashionMnist(@TempDir Path tmp) throws IOException {
        Files.createSymbolicLink(tmp.resolve("fashion-mnist"), SharedData.dataset("fashion-mnist"));
        Result r = run("verify", "fashion-mnist", "--data-root", tmp.toString());
        // every file line states its MD5 against the one torchvision publishes
        for (String pub : new String[]{"8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"}) {
            assertTrue(r.out().contains(pub), r.out());
        }
        assertTrue(r.out().contains("train: 60000 records, official 60000  ok"), r.out());
        assertTrue(r.out().contains("test: 10000 records, official 10000  ok"), r.out());
        boolean allMatch = !r.out().contains("MISMATCH");
        assertEquals(allMatch ? 0 : 1, r.rc(), r.out());
    }

    @Test
    void aRecompressedCopyOfTheOfficialFilesPassesOnItsContent(@TempDir Path tmp) throws IOException {
        // issue 16 item 10: the shared copy's .gz wrappers differ from the official ones, their content does not
        Files.createSymbolicLink(tmp.resolve("fashion-mnist"), SharedData.dataset("fashion-mnist"));
        Result r = run("verify", "fashion-mnist", "--data-root", tmp.toString());
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().contains("content matches the official files (archive re-compressed)"), r.out());
        // the official content MD5s (torchvision's FashionMNIST raw_data) are named
        for (String content : new String[]{"f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9",
                "8181f5470baa50b63fa0f6fddb340f0a", "15d484375f8d13e6eb1aabb0c3f46965"}) {
            assertTrue(r.out().contains(content), r.out());
        }
        assertTrue(r.out().contains("fashion-mnist: ok"), r.out());
    }

    @Test
    void aRecompressedCopyWithOtherContentFailsNamingTheFile(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fashion-mnist"));
        Path shared = SharedData.dataset("fashion-mnist");
        for (String f : new String[]{"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.createSymbolicLink(dir.resolve(f), shared.resolve(f));
        }
        byte[] labels;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(shared.resolve("train-labels-idx1-ubyte.gz")))) {
            labels = in.readAllBytes();
        }
        labels[100] = (byte) (labels[100] == 3 ? 4 : 3); // still a valid label: only the checksum can tell
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("train-labels-idx1-ubyte.gz")))) {
            out.write(labels);
        }
        Result r = run("verify", "fashion-mnist", "--data-root", tmp.toString());
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("FAILED (train-labels-idx1-ubyte.gz content MD5)"), r.out());
        assertTrue(r.out().contains("9018921c3c673c538a1fc5bad174d6f9"), r.out());

        // the same content uncompressed is checked against the official content MD5 too
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
        r = run("verify", "fashion-mnist", "--data-root", tmp.toString());
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("FAILED (train-labels-idx1-ubyte content MD5)"), r.out());
    }

    /** A CIFAR-10 image-folder copy with {@code per} real images per class and split (symlinks to the shared ones). */
    static Path jpgCopy(Path root, int per) throws IOException {
        for (String split : new String[]{"train", "test"}) {
            for (String c : CifarBinaryReader.CIFAR10_CLASSES) {
                Path d = Files.createDirectories(root.resolve("cifar10-jpg").resolve(split).resolve(c));
                for (int i = 0; i < per; i++) {
                    String f = String.format(java.util.Locale.ROOT, "%04d.jpg", i);
                    Files.copy(SharedData.dataset("cifar10-jpg").resolve(split).resolve(c).resolve(f), d.resolve(f));
                }
            }
        }
        return root;
    }

    @Test
    void verifyDecodesEveryImageAndNamesEachBadFile(@TempDir Path tmp) throws IOException {
        // issue 16 item 8: a truncated JPEG, a 0-byte .jpg and a text file named .jpg used to pass as "ok"
        Path train = jpgCopy(tmp, 3).resolve("cifar10-jpg/train");
        Path truncated = train.resolve("cat/0001.jpg");
        byte[] b = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(b, b.length / 2));
        Files.write(train.resolve("dog/0002.jpg"), new byte[0]);
        Files.writeString(train.resolve("ship/0000.jpg"), "not an image\n");
        Result r = run("verify", "cifar10", "--data-root", tmp.toString());
        assertEquals(1, r.rc(), r.out());
        for (String bad : new String[]{"cat/0001.jpg", "dog/0002.jpg", "ship/0000.jpg"}) {
            assertTrue(r.out().contains(train.resolve(bad) + ": unreadable image"), r.out());
        }
        assertTrue(r.out().contains("3 of 30 images unreadable"), r.out());
        assertTrue(r.out().contains("cifar10-jpg/test: 30 images decoded"), r.out());
    }

    @Test
    void aSymlinkedClassFolderIsFollowedByVerifyAndByTheReaderAlike(@TempDir Path tmp) throws IOException {
        Path train = jpgCopy(tmp.resolve("root"), 2).resolve("cifar10-jpg/train");
        Path elsewhere = tmp.resolve("elsewhere-cat");
        Files.move(train.resolve("cat"), elsewhere);
        Files.createSymbolicLink(train.resolve("cat"), elsewhere);
        assertEquals(20, ImageFolderReader.list(train).entries().size(), "the reader follows the linked class folder");
        Result r = run("verify", "cifar10", "--data-root", tmp.resolve("root").toString());
        assertTrue(r.out().contains("cifar10-jpg/train: 20 images decoded"), r.out());
    }

    @Test
    void verifyAbsentSaysWhereToPutFiles(@TempDir Path tmp) {
        Result r = run("verify", "stl10", "--data-root", tmp.toString());
        assertEquals(1, r.rc());
        assertTrue(r.out().contains(tmp.resolve("stl10_binary").toString()) && r.out().contains("unlabeled_X.bin")
                && r.out().contains("91f7769df0f17e558f3565bffb0c7dfb"), r.out());
    }
}
