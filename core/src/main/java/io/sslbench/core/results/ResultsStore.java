package io.sslbench.core.results;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.sslbench.core.util.AtomicFiles;

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
import java.util.stream.Stream;

/**
 * The one results store: a JSON-lines file, a {@link ResultRow} per line.
 *
 * <p>Appends are atomic with respect to other writers, in this process or another: each row is one
 * {@code write} of a whole line under an exclusive {@link FileLock} on the file, and the channel is
 * forced before the lock is released. A writer killed mid-write leaves a torn last line (no final newline): readers
 * skip it with a warning naming the file and line, and the next append, under the lock, sets its bytes aside to
 * {@code <file>.torn} and truncates it away, so every append starts on a fresh line and the torn line never glues
 * itself to a later row. A last line that is a complete row missing only its newline is kept. Any other unreadable
 * line is an error naming the file and line.
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
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    repairTornEnd(ch);
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    long at = ch.size(); // every writer holds the lock: the end cannot move under us
                    while (buf.hasRemaining()) {
                        at += ch.write(buf, at);
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

    /** @return the folder of per-cell files beside the store file: {@code <file>.d/} (see {@link #writeCell}) */
    public Path cellDir() {
        return file.resolveSibling(file.getFileName() + ".d");
    }

    /**
     * Writes one cell's rows as a file of its own, {@code <file>.d/<key>.jsonl}: written under a temporary name, forced
     * and renamed into place, so a writer on any node of a shared file system (NFS included, where an append under a
     * lock is not to be trusted) never tears or interleaves another's rows, and a cell's rows appear all at once.
     * Writing a key again replaces its file. {@link #readAll} merges these files after the store file's rows.
     *
     * @param key the cell's name in the folder (letters, digits, '.', '_', '-'; others become '_')
     */
    public void writeCell(String key, List<ResultRow> rows) {
        String name = key.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl";
        StringBuilder sb = new StringBuilder();
        for (ResultRow r : rows) {
            sb.append(GSON.toJson(r)).append('\n');
        }
        try {
            AtomicFiles.writeString(cellDir().resolve(name), sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + rows.size() + " row(s) of cell " + key + " to " + cellDir(), e);
        }
    }

    /** The file this store sets torn last lines aside to. */
    public Path tornFile() {
        return file.resolveSibling(file.getFileName() + ".torn");
    }

    /**
     * Under the append lock: if the file does not end with a newline, its last line was torn by a killed writer.
     * A complete row gets its newline; anything else is copied to {@link #tornFile()} and cut off.
     */
    private void repairTornEnd(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return;
        }
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(size));
        while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {
            // read the whole file (a results store is small)
        }
        byte[] b = all.array();
        if (b[b.length - 1] == '\n') {
            return;
        }
        int start = b.length;
        int line = 1;
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                if (start == b.length) {
                    start = i + 1;
                }
                line++;
            }
        }
        if (start == b.length) {
            start = 0;
        }
        String fragment = new String(b, start, b.length - start, StandardCharsets.UTF_8);
        if (parse(fragment) != null) {
            ch.write(ByteBuffer.wrap(new byte[]{'\n'}), size);
            return;
        }
        Files.writeString(tornFile(), fragment + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        ch.truncate(start);
        ch.force(true);
        System.err.println("warning: results store " + file + " line " + line + " was torn (a writer killed mid-append): "
                + "its " + (b.length - start) + " bytes are set aside to " + tornFile());
    }

    /** @return the row a line holds, or null if it is not one whole row */
    private static ResultRow parse(String line) {
        try {
            return GSON.fromJson(line.strip(), ResultRow.class);
        } catch (RuntimeException e) { // malformed JSON, or a row missing a required field
            return null;
        }
    }

    /**
     * @return every complete row in file order, then the rows of the per-cell files ({@link #writeCell}) in file-name
     *         order; an absent file is an empty store. A torn last line (no final
     *         newline) is skipped with a warning; any other unreadable line is an {@link IllegalStateException}.
     */
    public List<ResultRow> readAll() {
        List<ResultRow> out = readStoreFile();
        out.addAll(readCellFiles());
        return out;
    }

    /** The per-cell files' rows, files in name order; a file that is not whole rows is an error naming it. */
    private List<ResultRow> readCellFiles() {
        List<ResultRow> out = new ArrayList<>();
        if (!Files.isDirectory(cellDir())) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(cellDir())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the cell files of results store " + cellDir(), e);
        }
        for (Path f : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read cell file " + f, e);
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                ResultRow r = parse(lines.get(i));
                if (r == null) {
                    throw new IllegalStateException("results cell file " + f + " line " + (i + 1) + " is corrupt (not one "
                            + "whole result row): repair or remove that file");
                }
                out.add(r);
            }
        }
        return out;
    }

    private List<ResultRow> readStoreFile() {
        List<ResultRow> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read results store " + file, e);
        }
        String[] lines = text.split("\n", -1); // the last element is what follows the last newline ("" if none)
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            ResultRow r = parse(line);
            if (r != null) {
                out.add(r);
            } else if (i == lines.length - 1) {
                System.err.println("warning: results store " + file + " line " + (i + 1) + " is torn (a writer killed "
                        + "mid-append): skipped; the next append sets it aside to " + tornFile());
            } else {
                throw new IllegalStateException("results store " + file + " line " + (i + 1) + " is corrupt (not one "
                        + "whole result row): repair or remove that line");
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
