package io.sslbench.core.data.download;

import com.sun.net.httpserver.HttpServer;
import io.sslbench.core.data.CifarBinaryReader;
import io.sslbench.core.data.DataException;
import io.sslbench.core.data.DataRoot;
import io.sslbench.core.data.Datasets;
import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.data.LoadOptions;
import io.sslbench.core.util.Hashing;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The download / verify / extract path against a local HTTP server on 127.0.0.1. */
class FetcherTest {
    private HttpServer server;
    private String base;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().substring(1);
            byte[] body = files.get(name.replaceFirst("^trunc/", ""));
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            boolean truncate = name.startsWith("trunc/");
            ex.sendResponseHeaders(200, body.length);
            OutputStream os = ex.getResponseBody();
            os.write(body, 0, truncate ? body.length / 2 : body.length);
            os.flush();
            // closing short of the announced length throws, and the server then drops the connection
            os.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** A tar.gz of (name -> bytes); a null value makes a symlink entry whose target is the key after "->". */
    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bos))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (e.getValue() == null) {
                    String[] nl = e.getKey().split("->");
                    TarArchiveEntry link = new TarArchiveEntry(nl[0], TarArchiveEntry.LF_SYMLINK);
                    link.setLinkName(nl[1]);
                    tar.putArchiveEntry(link);
                } else {
                    TarArchiveEntry te = new TarArchiveEntry(e.getKey(), true); // keep absolute names as given
                    te.setSize(e.getValue().length);
                    tar.putArchiveEntry(te);
                    tar.write(e.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        return bos.toByteArray();
    }

    /** A miniature cifar-10-binary.tar.gz: 3 records per batch taken from the real subset. */
    static byte[] miniCifar() throws IOException {
        Path subset = io.sslbench.core.data.SharedDataAccess.cifarSubset();
        byte[] raw = Files.readAllBytes(subset);
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cifar-10-batches-bin/batches.meta.txt",
                (String.join("\n", CifarBinaryReader.CIFAR10_CLASSES) + "\n").getBytes(StandardCharsets.UTF_8));
        int k = 0;
        for (String f : CifarBinaryReader.cifar10Files(io.sslbench.core.data.Split.TRAIN)) {
            m.put("cifar-10-batches-bin/" + f, java.util.Arrays.copyOfRange(raw, k * 3 * 3073, (k + 1) * 3 * 3073));
            k++;
        }
        m.put("cifar-10-batches-bin/test_batch.bin", java.util.Arrays.copyOfRange(raw, 15 * 3073, 17 * 3073));
        return tarGz(m);
    }

    private static String md5(byte[] b) {
        return java.util.HexFormat.of().formatHex(Hashing.digest("MD5").digest(b));
    }

    private static Sources.Source source(String baseUrl, String name, String md5) {
        return new Sources.Source("cifar10", List.of(baseUrl), List.of(new Sources.RemoteFile(name, md5)), true);
    }

    private static List<String> listAll(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).filter(p -> !p.isEmpty()).sorted().toList();
        }
    }

    @Test
    void goodChecksumDownloadsExtractsAndLoads(@TempDir Path root) throws IOException {
        byte[] tgz = miniCifar();
        files.put("cifar-10-binary.tar.gz", tgz);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        new Fetcher(root, new java.io.PrintStream(progress, true, StandardCharsets.UTF_8))
                .fetch(source(base, "cifar-10-binary.tar.gz", md5(tgz)), null, true);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("100.0%"), progress.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(root.resolve("cifar-10-binary.tar.gz")), "archive removed after extraction");
        assertFalse(Files.exists(root.resolve("cifar-10-binary.tar.gz.part")));
        String manifest = Files.readString(Fetcher.manifestFor(root, "cifar-10-binary.tar.gz"));
        Path batch1 = root.resolve("cifar-10-batches-bin/data_batch_1.bin");
        assertTrue(manifest.contains(Hashing.fileHex(batch1, "SHA-256") + "  cifar-10-batches-bin/data_batch_1.bin"),
                manifest);
        assertTrue(manifest.contains(md5(tgz)));

        ImageDataset train = Datasets.load("cifar10", "train", DataRoot.of(root), false);
        assertEquals(15, train.size());
        assertArrayEquals(new int[]{6, 9, 9, 4, 1}, java.util.Arrays.copyOf(train.labels(), 5));
        assertEquals(2, Datasets.load("cifar10", "test", DataRoot.of(root), false).size());
    }

    @Test
    void badChecksumFailsAndLeavesNoCompleteFile(@TempDir Path root) throws IOException {
        byte[] tgz = miniCifar();
        files.put("cifar-10-binary.tar.gz", tgz);
        DownloadException e = assertThrows(DownloadException.class, () -> new Fetcher(root, null)
                .fetch(source(base, "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530"), null, true));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(md5(tgz)), e.getMessage());
        assertEquals(List.of(), listAll(root), "no archive, no .part, nothing extracted");
    }

    @Test
    void truncatedTransferFails(@TempDir Path root) throws IOException {
        byte[] tgz = miniCifar();
        files.put("cifar-10-binary.tar.gz", tgz);
        DownloadException e = assertThrows(DownloadException.class, () -> new Fetcher(root, null)
                .fetch(source(base + "trunc/", "cifar-10-binary.tar.gz", md5(tgz)), null, true));
        assertTrue(e.getMessage().contains("truncated transfer") && e.getMessage().contains("of " + tgz.length + " bytes"),
                e.getMessage());
        assertEquals(List.of(), listAll(root));
    }

    @Test
    void escapingEntriesAreRefused(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        byte[] ok = "x".getBytes(StandardCharsets.UTF_8);
        List<Map<String, byte[]>> evil = List.of(
                new LinkedHashMap<>(Map.of("d/a.bin", ok, "../evil", ok)),
                new LinkedHashMap<>(Map.of("d/a.bin", ok, tmp.resolve("abs-evil").toString(), ok)),
                new LinkedHashMap<>(Map.of("d/a.bin", ok, "d/../../evil2", ok)));
        Map<String, byte[]> link = new LinkedHashMap<>();
        link.put("d/a.bin", ok);
        link.put("d/out->../../outside", null);
        Map<String, byte[]> absLink = new LinkedHashMap<>();
        absLink.put("d/etc->/etc", null);
        Map<String, byte[]> through = new LinkedHashMap<>();
        through.put("d/in->.", null);
        through.put("d/in/x.bin", ok);
        List<Map<String, byte[]>> all = new java.util.ArrayList<>(evil);
        all.addAll(List.of(link, absLink, through));
        int i = 0;
        for (Map<String, byte[]> m : all) {
            String name = "evil" + (i++) + ".tar.gz";
            byte[] tgz = tarGz(m);
            files.put(name, tgz);
            DownloadException e = assertThrows(DownloadException.class,
                    () -> new Fetcher(root, null).fetch(source(base, name, md5(tgz)), null, true), m.keySet().toString());
            assertTrue(e.getMessage().contains("refused archive entry"), e.getMessage());
            assertEquals(List.of(), listAll(root), "nothing extracted for " + m.keySet());
            assertEquals(List.of("root"), listAll(tmp), "nothing written outside for " + m.keySet());
        }
        // the absolute entry really was stored absolute (the refusal is not vacuous)
        assertTrue(tarEntryNames(tarGz(evil.get(1))).contains(tmp.resolve("abs-evil").toString()));
    }

    private static List<String> tarEntryNames(byte[] tgz) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(tgz)))) {
            TarArchiveEntry e;
            while ((e = in.getNextTarEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void noNetworkErrorSaysWhereToPutWhichFiles(@TempDir Path root) throws IOException {
        server.stop(0);
        LoadOptions opt = LoadOptions.defaults().withDownload(true).withQuiet(true).withBaseUrl(base);
        DataException e = assertThrows(DataException.class,
                () -> Datasets.load("cifar10", "train", DataRoot.of(root), opt));
        String m = e.getMessage();
        assertTrue(m.contains(root.resolve("cifar-10-batches-bin").toString()) && m.contains("data_batch_1.bin")
                && m.contains("test_batch.bin") && m.contains("c32a1d4ab5d03f1284b67883e8d87530")
                && m.contains("cifar10-jpg"), m);
        DataException noDl = assertThrows(DataException.class,
                () -> Datasets.load("fashion-mnist", "test", DataRoot.of(root), false));
        assertTrue(noDl.getMessage().contains(root.resolve("fashion-mnist").toString())
                && noDl.getMessage().contains("t10k-images-idx3-ubyte.gz")
                && noDl.getMessage().contains("bef4ecab320f06d8554ea6380940ec79"), noDl.getMessage());
        assertEquals(List.of(), listAll(root));
    }

    @Test
    void perFileSourcesDownloadIntoTheirFolder(@TempDir Path root) throws IOException {
        // gzip the real Fashion-MNIST test files' content into a local "mirror"
        Path fm = io.sslbench.core.data.SharedDataAccess.fashionMnist();
        List<Sources.RemoteFile> rf = new java.util.ArrayList<>();
        for (String n : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            byte[] b = Files.readAllBytes(fm.resolve(n));
            files.put(n, b);
            rf.add(new Sources.RemoteFile(n, md5(b)));
        }
        new Fetcher(root, null).fetch(new Sources.Source("fashion-mnist", List.of(base), rf, false), "fashion-mnist", true);
        ImageDataset test = Datasets.load("fashion-mnist", "test", DataRoot.of(root), false);
        assertEquals(10000, test.size());
        // a second fetch leaves present files alone (the server is gone)
        server.stop(0);
        new Fetcher(root, null).fetch(new Sources.Source("fashion-mnist", List.of(base), rf, false), "fashion-mnist", true);
    }

    @Test
    void mirrorsTriedInOrder(@TempDir Path root) throws IOException {
        byte[] b = "payload".getBytes(StandardCharsets.UTF_8);
        files.put("f.bin", b);
        Sources.Source s = new Sources.Source("x", List.of(base + "missing/", base),
                List.of(new Sources.RemoteFile("f.bin", md5(b))), false);
        new Fetcher(root, null).fetch(s, "x", true);
        assertArrayEquals(b, Files.readAllBytes(root.resolve("x/f.bin")));
    }

    @Test
    void baseUrlPropertyReplacesOfficialMirrors() {
        assertEquals(List.of("https://www.cs.toronto.edu/~kriz/"), Sources.of("cifar10").mirrors());
        String before = System.getProperty(Sources.BASE_URL_PROPERTY);
        try {
            System.setProperty(Sources.BASE_URL_PROPERTY, base + "mirror");
            Sources.Source s = Sources.of("mnist");
            assertEquals(List.of(base + "mirror/"), s.mirrors());
            assertEquals("f68b3c2dcbeaaa9fbdd348bbdeb94873", s.files().get(0).md5(), "checksums stay the published ones");
        } finally {
            if (before == null) {
                System.clearProperty(Sources.BASE_URL_PROPERTY);
            } else {
                System.setProperty(Sources.BASE_URL_PROPERTY, before);
            }
        }
    }
}
