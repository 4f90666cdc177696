package io.sslbench.eval.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.sslbench.core.engine.Trainer;
import io.sslbench.core.results.Provenance;
import io.sslbench.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run folder's {@code summary.json}: what a pretraining produced, written atomically once the run ends (or stops)
 * and read by {@code eval} and by a rerun of the same command, which keeps a finished run's summary as it is.
 *
 * @param method         method id
 * @param result         the trainer's outcome; {@code completed} tells a finished run from a stopped one
 * @param featureDim     dimension of the pooled features
 * @param featuresVertex the graph vertex of the pooled features
 * @param provenance     where the run came from (its config hash identifies the run's config)
 */
public record RunSummary(String method, Trainer.Result result, int featureDim, String featuresVertex,
                         Provenance provenance) {
    public static final String FILE = "summary.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    public RunSummary {
        if (result == null || provenance == null || featuresVertex == null) {
            throw new IllegalArgumentException("a run summary needs result, provenance and featuresVertex");
        }
    }

    public void write(Path runDir) throws IOException {
        AtomicFiles.writeString(runDir.resolve(FILE), GSON.toJson(this));
    }

    /** @return the folder's summary, or null if it has none; an unreadable one is an error naming the file */
    public static RunSummary readIfPresent(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            RunSummary s = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), RunSummary.class);
            if (s == null) {
                throw new JsonParseException("empty file");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(f + " is not a run summary (" + e.getMessage() + "): move it aside and "
                    + "rerun the same pretrain command to rewrite it from the run's checkpoint", e);
        }
    }
}
