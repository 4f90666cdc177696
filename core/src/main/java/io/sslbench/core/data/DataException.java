package io.sslbench.core.data;

import java.nio.file.Path;

/**
 * A data set file is missing, truncated or malformed. The message always names the file and, where the
 * problem is local, the record or image.
 */
public class DataException extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public DataException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public DataException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** @return the message without the file name */
    public String problem() {
        return problem;
    }

    /** @return the offending file, or null when the problem is not tied to one file */
    public Path file() {
        return file;
    }
}
