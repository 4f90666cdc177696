package io.sslbench.core.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint: named arrays (model, EMA targets, optimiser, queue, probe) plus the clock,
 * in one zip, written atomically (temp file in the same folder, fsync, rename) so a crash mid-write
 * never replaces the last good checkpoint.
 *
 * @param configHash   hash of the run's config: a checkpoint is never resumed under another config
 * @param step         global steps completed
 * @param epoch        epoch of the next step
 * @param batchInEpoch batch index of the next step within its epoch
 * @param arrays       state by name ("model", "target/<name>", "optim/<key>", "method/<key>", "probe/<key>")
 */
public record Checkpoint(String configHash, long step, int epoch, int batchInEpoch, Map<String, INDArray> arrays) {

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream fo = Files.newOutputStream(tmp);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(fo))) {
                zip.putNextEntry(new ZipEntry("meta.properties"));
                String meta = "configHash=" + configHash + "\nstep=" + step + "\nepoch=" + epoch + "\nbatchInEpoch="
                        + batchInEpoch + "\n";
                zip.write(meta.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                for (var e : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry("arrays/" + e.getKey()));
                    DataOutputStream dos = new DataOutputStream(zip);
                    Nd4j.write(e.getValue(), dos);
                    dos.flush();
                    zip.closeEntry();
                }
                zip.finish();
                zip.flush();
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Checkpoint read(Path file) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        java.util.Properties meta = new java.util.Properties();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals("meta.properties")) {
                    meta.load(new java.io.StringReader(new String(zip.readAllBytes(), StandardCharsets.UTF_8)));
                } else if (e.getName().startsWith("arrays/")) {
                    arrays.put(e.getName().substring(7), Nd4j.read(new DataInputStream(zip)));
                }
            }
        } catch (RuntimeException ex) {
            throw new IOException("checkpoint " + file + " is corrupt: " + ex.getMessage(), ex);
        }
        if (meta.getProperty("step") == null) {
            throw new IOException("checkpoint " + file + " is corrupt: no meta.properties");
        }
        return new Checkpoint(meta.getProperty("configHash"), Long.parseLong(meta.getProperty("step")),
                Integer.parseInt(meta.getProperty("epoch")), Integer.parseInt(meta.getProperty("batchInEpoch")), arrays);
    }

    /** @return the arrays whose names start with {@code prefix + "/"}, prefix removed */
    public Map<String, INDArray> group(String prefix) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            if (k.startsWith(prefix + "/")) {
                out.put(k.substring(prefix.length() + 1), v);
            }
        });
        return out;
    }
}
