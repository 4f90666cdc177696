package io.sslbench.core.engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import io.sslbench.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of a run as JSON lines ({@code metrics.jsonl}): one object per line with {@code step},
 * {@code epoch}, and any of {@code loss, lr, momentum, imgPerSec, collapseStd, probeAcc, knnTop1}.
 */
public final class MetricsLog {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private final Path file;

    public MetricsLog(Path file) {
        this.file = file;
    }

    public void append(Map<String, ?> row) {
        try {
            Files.writeString(file, GSON.toJson(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics " + file, e);
        }
    }

    /**
     * Drops lines past {@code step} (after resuming from a checkpoint taken at that step; -1 drops all), and a torn
     * last line, atomically: every later {@link #append} starts on a fresh line.
     */
    public void truncateAfter(long step) {
        List<Map<String, Object>> keep = new ArrayList<>();
        for (Map<String, Object> r : read(file)) {
            Object s = r.get("step");
            if (s instanceof Number n && n.longValue() <= step) {
                keep.add(r);
            }
        }
        StringBuilder sb = new StringBuilder();
        keep.forEach(r -> sb.append(GSON.toJson(r)).append('\n'));
        try {
            AtomicFiles.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite metrics " + file, e);
        }
    }

    /** @return all rows of a metrics file (absent file: empty); a torn last line is skipped */
    public static List<Map<String, Object>> read(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty()) {
                    continue;
                }
                try {
                    Map<String, Object> m = GSON.fromJson(l, new TypeToken<LinkedHashMap<String, Object>>() {
                    }.getType());
                    out.add(m);
                } catch (RuntimeException e) {
                    if (i != lines.size() - 1) {
                        throw new IllegalStateException(file + " line " + (i + 1) + " is corrupt", e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
