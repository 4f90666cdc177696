package io.sslbench.core.data.download;

import io.sslbench.core.data.DataException;

import java.nio.file.Path;

/** A download, checksum verification or archive extraction failed; names the file (and URL) involved. */
public class DownloadException extends DataException {
    public DownloadException(Path file, String problem) {
        super(file, problem);
    }

    public DownloadException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
