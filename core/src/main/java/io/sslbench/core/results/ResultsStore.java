package io.sslbench.core.results;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The one results store: a JSON-lines file, a {@link ResultRow} per line.
 *
 * <p>Appends are atomic with respect to other writers, in this process or another: each row is one
 * {@code write} of a whole line under an exclusive {@link FileLock} on the file, and the channel is
 * forced before the lock is released. A reader skips a torn last line (a writer killed mid-write on a
 * file system without atomic appends) with a warning instead of failing.
 */
public final class ResultsStore {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private static final Object IN_PROCESS = new Object();
    private final Path file;

    public ResultsStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends rows atomically (all or none of this call's rows become visible together). */
    public void append(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (ResultRow r : rows) {
            sb.append(GSON.toJson(r)).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            synchronized (IN_PROCESS) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                     FileLock ignored = ch.lock()) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append " + rows.size() + " row(s) to results store " + file, e);
        }
    }

    public void append(ResultRow row) {
        append(List.of(row));
    }

    /** @return every complete row in file order; an absent file is an empty store */
    public List<ResultRow> readAll() {
        List<ResultRow> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read results store " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.add(GSON.fromJson(line, ResultRow.class));
            } catch (JsonParseException e) {
                if (i == lines.size() - 1) {
                    System.err.println("warning: results store " + file + ": skipping torn last line " + (i + 1));
                } else {
                    throw new IllegalStateException("results store " + file + " line " + (i + 1) + " is corrupt: "
                            + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** Serialises one row as the store writes it (for fixtures and tests). */
    public static String toJson(ResultRow row) {
        return GSON.toJson(row);
    }

    public static ResultRow fromJson(String json) {
        return GSON.fromJson(json, ResultRow.class);
    }
}
