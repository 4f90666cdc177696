package io.sslbench.core.data.download;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fetches a {@link Sources.Source} into a data root: each file is downloaded and verified by
 * {@link Downloader}; archives are then extracted with {@link SafeTarExtractor} into the root, a manifest of
 * the extracted files' SHA-256s is written to {@code <root>/.manifests/<archive>.sha256} (sha256sum format,
 * headed by the archive's URL and verified MD5) and the archive is deleted. Plain files (MNIST's .gz) go to
 * {@code <root>/<subdir>/} and are kept as downloaded. Mirrors are tried in order.
 */
public final class Fetcher {
    private final Path root;
    private final Downloader downloader;
    private final PrintStream log;

    /**
     * @param root     data root
     * @param progress progress bar and log stream, or null for quiet mode
     */
    public Fetcher(Path root, PrintStream progress) {
        this(root, new Downloader(progress), progress);
    }

    /** @param log messages, or null for quiet mode */
    public Fetcher(Path root, Downloader downloader, PrintStream log) {
        this.root = root;
        this.downloader = downloader;
        this.log = log;
    }

    /** @return the manifest written for an extracted archive */
    public static Path manifestFor(Path root, String archiveName) {
        return root.resolve(".manifests").resolve(archiveName + ".sha256");
    }

    /**
     * Downloads (and extracts) every file of {@code source}.
     *
     * @param subdir for non-archive sources, the sub-directory of the root receiving the files
     * @param skipPresent for non-archive sources, leave files that already exist alone
     * @throws DownloadException listing every mirror's failure, and where to put the files by hand
     */
    public void fetch(Sources.Source source, String subdir, boolean skipPresent) {
        for (Sources.RemoteFile f : source.files()) {
            Path target = source.archive() ? root.resolve(f.name()) : root.resolve(subdir).resolve(f.name());
            if (!source.archive() && skipPresent && Files.isRegularFile(target)) {
                say(target + " present, not downloaded");
                continue;
            }
            List<String> failures = new ArrayList<>();
            String usedUrl = null;
            for (String mirror : source.mirrors()) {
                URI url = URI.create(mirror + f.name());
                try {
                    say("downloading " + url);
                    downloader.download(url, target, f.md5());
                    usedUrl = url.toString();
                    break;
                } catch (DownloadException e) {
                    failures.add(e.getMessage());
                }
            }
            if (usedUrl == null) {
                throw new DownloadException(target, "could not download " + f.name() + " (MD5 " + f.md5() + "):\n  "
                        + String.join("\n  ", failures));
            }
            if (source.archive()) {
                say("extracting " + target + " into " + root);
                Map<String, String> hashes;
                try {
                    hashes = SafeTarExtractor.extract(target, root);
                } finally {
                    Downloader.deleteQuietly(target); // extracted, or refused: not kept either way
                }
                writeManifest(f, usedUrl, hashes);
            }
        }
    }

    private void writeManifest(Sources.RemoteFile f, String url, Map<String, String> hashes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# extracted from ").append(f.name()).append(" (").append(url).append(") MD5 ").append(f.md5())
                .append(" verified ").append(Instant.now()).append('\n');
        hashes.forEach((path, sha) -> sb.append(sha).append("  ").append(path).append('\n'));
        Path m = manifestFor(root, f.name());
        try {
            Files.createDirectories(m.getParent());
            Files.writeString(m, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DownloadException(m, "cannot write manifest: " + e.getMessage(), e);
        }
    }

    private void say(String s) {
        if (log != null) {
            log.println(s);
        }
    }
}
