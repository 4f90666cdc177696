package io.sslbench.core.engine;

import io.sslbench.core.util.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint: named arrays (model, EMA targets, optimiser, queue, probe), named figures (the running sums
 * of the current epoch, the probe's counters, the timings) and the clock, in one zip, written atomically
 * ({@link AtomicFiles}: temp file in the same folder, fsync, rename) so a crash mid-write never replaces the last
 * good checkpoint.
 *
 * @param configHash   hash of the run's config: a checkpoint is never resumed under another config
 * @param step         global steps completed
 * @param epoch        epoch of the next step
 * @param batchInEpoch batch index of the next step within its epoch
 * @param arrays       state by name ("model", "target/<name>", "optim/<key>", "method/<key>", "probe/<key>")
 * @param figures      scalars by name (letters, digits and {@code _ . / -}), restored bit for bit
 */
public record Checkpoint(String configHash, long step, int epoch, int batchInEpoch, Map<String, INDArray> arrays,
                         Map<String, Double> figures) {
    private static final Pattern FIGURE_NAME = Pattern.compile("[A-Za-z0-9_./-]+");
    private static final String FIGURE = "figure.";

    public Checkpoint {
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures == null ? Map.of() : figures));
        for (String k : figures.keySet()) {
            if (!FIGURE_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("checkpoint figure name '" + k + "' is not one of " + FIGURE_NAME);
            }
        }
    }

    public Checkpoint(String configHash, long step, int epoch, int batchInEpoch, Map<String, INDArray> arrays) {
        this(configHash, step, epoch, batchInEpoch, arrays, Map.of());
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("meta.properties"));
            StringBuilder meta = new StringBuilder("configHash=" + configHash + "\nstep=" + step + "\nepoch=" + epoch
                    + "\nbatchInEpoch=" + batchInEpoch + "\n");
            // Double.toString round-trips every double exactly (NaN and infinities included), in any locale
            figures.forEach((k, v) -> meta.append(FIGURE).append(k).append('=').append(Double.toString(v)).append('\n'));
            zip.write(meta.toString().getBytes(StandardCharsets.UTF_8));
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
        });
    }

    public static Checkpoint read(Path file) throws IOException {
        return read(file, true);
    }

    /** @return the checkpoint's clock, config hash and figures, without reading its arrays (which stay empty) */
    public static Checkpoint readMeta(Path file) throws IOException {
        return read(file, false);
    }

    private static Checkpoint read(Path file, boolean withArrays) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        Properties meta = new Properties();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals("meta.properties")) {
                    meta.load(new StringReader(new String(zip.readAllBytes(), StandardCharsets.UTF_8)));
                    if (!withArrays) {
                        break;
                    }
                } else if (e.getName().startsWith("arrays/") && withArrays) {
                    arrays.put(e.getName().substring(7), Nd4j.read(new DataInputStream(zip)));
                }
            }
        } catch (RuntimeException | ZipException | EOFException ex) {
            throw new IOException("checkpoint " + file + " is corrupt: " + ex.getMessage(), ex);
        }
        if (meta.getProperty("step") == null) {
            throw new IOException("checkpoint " + file + " is corrupt: no meta.properties");
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String k : new TreeSet<>(meta.stringPropertyNames())) {
            if (k.startsWith(FIGURE)) {
                figures.put(k.substring(FIGURE.length()), Double.parseDouble(meta.getProperty(k)));
            }
        }
        return new Checkpoint(meta.getProperty("configHash"), Long.parseLong(meta.getProperty("step")),
                Integer.parseInt(meta.getProperty("epoch")), Integer.parseInt(meta.getProperty("batchInEpoch")), arrays,
                figures);
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
