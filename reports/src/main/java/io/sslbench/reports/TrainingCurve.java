package io.sslbench.reports;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One run's training log, read from the run folder's {@code metrics.jsonl}: one JSON object per line
 * with any of the keys {@link #KEYS} ({@code knnTop1} only at epoch ends). Any key may be missing on a
 * line; a missing key, JSON {@code null} or NaN all mean "not logged here".
 *
 * @param runId the run (its folder name)
 * @param lines per line, the known keys that were logged, in file order
 */
public record TrainingCurve(String runId, List<Map<String, Double>> lines) {
    public static final String STEP = "step";
    public static final String EPOCH = "epoch";
    public static final String LOSS = "loss";
    public static final String LR = "lr";
    public static final String MOMENTUM = "momentum";
    public static final String IMG_PER_SEC = "imgPerSec";
    public static final String COLLAPSE_STD = "collapseStd";
    public static final String PROBE_ACC = "probeAcc";
    public static final String KNN_TOP1 = "knnTop1";
    /** The keys a metrics line may carry; other keys are ignored. */
    public static final Set<String> KEYS = Set.of(STEP, EPOCH, LOSS, LR, MOMENTUM, IMG_PER_SEC, COLLAPSE_STD, PROBE_ACC,
            KNN_TOP1);

    public TrainingCurve {
        Objects.requireNonNull(runId, "TrainingCurve.runId");
        lines = lines.stream().map(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m))).toList();
    }

    /**
     * The (x, y) pairs of the lines that have both keys, in file order.
     *
     * @return {@code double[2][k]}: x values, then y values
     */
    public double[][] points(String xKey, String yKey) {
        List<double[]> pts = new ArrayList<>();
        for (Map<String, Double> l : lines) {
            Double x = l.get(xKey);
            Double y = l.get(yKey);
            if (x != null && y != null) {
                pts.add(new double[]{x, y});
            }
        }
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }

    /**
     * Reads a {@code metrics.jsonl}. Blank lines are skipped; a torn LAST line (a run killed mid-write)
     * is skipped with a warning on stderr, as {@code ResultsStore} does.
     *
     * @param runId the run the file belongs to
     * @param file  the file
     * @throws IllegalArgumentException naming the file, line and key when a line is not a JSON object or a
     *                                  known key holds something other than a number
     */
    public static TrainingCurve read(String runId, Path file) {
        List<String> raw;
        try {
            raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training metrics " + file, e);
        }
        List<Map<String, Double>> lines = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean last = raw.subList(i + 1, raw.size()).stream().allMatch(String::isBlank);
            JsonObject obj;
            try {
                JsonElement el = JsonParser.parseString(line);
                if (!el.isJsonObject()) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected a JSON object, got " + abbreviate(line));
                }
                obj = el.getAsJsonObject();
            } catch (JsonParseException e) {
                if (last) {
                    System.err.println("warning: " + file + ": skipping torn last line " + (i + 1));
                    continue;
                }
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not valid JSON: " + e.getMessage(), e);
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : obj.entrySet()) {
                if (!KEYS.contains(e.getKey()) || e.getValue().isJsonNull()) {
                    continue;
                }
                double v = number(e.getValue(), file, i + 1, e.getKey());
                if (!Double.isNaN(v)) {
                    m.put(e.getKey(), v);
                }
            }
            lines.add(m);
        }
        return new TrainingCurve(runId, lines);
    }

    private static double number(JsonElement v, Path file, int line, String key) {
        if (v.isJsonPrimitive()) {
            JsonPrimitive p = v.getAsJsonPrimitive();
            if (p.isNumber()) {
                return p.getAsDouble();
            }
            if (p.isString() && p.getAsString().equals("NaN")) {
                return Double.NaN;
            }
        }
        throw new IllegalArgumentException(file + " line " + line + ": key '" + key + "' must be a number, got "
                + abbreviate(v.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
