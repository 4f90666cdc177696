package io.sslbench.core.data.download;

import io.sslbench.core.util.Hashing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Downloads one file over HTTP(S) to {@code target + ".part"}, computing its MD5 on the fly, and renames it to
 * {@code target} only when the byte count matches the announced Content-Length and the MD5 matches the
 * published one. On any failure the {@code .part} file is deleted, so a partial download never passes for a
 * complete one. Redirects are followed (at most 5; https to http refused).
 */
public final class Downloader {
    private final PrintStream progress;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;

    /** @param progress where to draw the progress bar, or null for quiet mode */
    public Downloader(PrintStream progress) {
        this(progress, 30_000, 60_000);
    }

    public Downloader(PrintStream progress, int connectTimeoutMs, int readTimeoutMs) {
        this.progress = progress;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    /**
     * @param url    where from
     * @param target final path (its directory is created)
     * @param md5    expected MD5 (hex, case-insensitive) of the file
     * @return target, complete and verified
     * @throws DownloadException naming the URL and file on a network error, short transfer or checksum mismatch
     */
    public Path download(URI url, Path target, String md5) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            HttpURLConnection con = null;
            long length;
            InputStream source;
            if (scheme.equals("file")) {
                // a local mirror (e.g. --base-url file:///data/mirror/): read the file, verified like a download
                Path from = Path.of(url);
                if (!Files.isRegularFile(from)) {
                    throw new DownloadException(target, "no file " + from + " (from " + url + ")");
                }
                length = Files.size(from);
                source = Files.newInputStream(from);
            } else if (scheme.equals("http") || scheme.equals("https")) {
                con = open(url, target);
                length = con.getContentLengthLong();
                source = con.getInputStream();
            } else {
                throw new DownloadException(target, "unsupported URL scheme '" + scheme + "' in " + url
                        + ": use http://, https:// or file://");
            }
            MessageDigest digest = Hashing.digest("MD5");
            long got = 0;
            ProgressBar bar = new ProgressBar(progress, target.getFileName().toString(), length);
            try (InputStream in = source; OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    digest.update(buf, 0, n);
                    got += n;
                    bar.advance(n);
                }
            } finally {
                bar.finish();
                if (con != null) {
                    con.disconnect();
                }
            }
            if (length >= 0 && got != length) {
                throw new DownloadException(target, "truncated transfer from " + url + ": received " + got
                        + " of " + length + " bytes");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(md5)) {
                throw new DownloadException(target, "checksum mismatch for " + url + ": MD5 " + actual
                        + ", published " + md5.toLowerCase() + " (" + got + " bytes); the file was not kept");
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (DownloadException e) {
            deleteQuietly(part);
            throw e;
        } catch (IOException e) {
            deleteQuietly(part);
            throw new DownloadException(target, "download from " + url + " failed: " + e, e);
        }
    }

    private HttpURLConnection open(URI url, Path target) throws IOException {
        URL u = url.toURL();
        for (int hop = 0; hop <= 5; hop++) {
            HttpURLConnection con = (HttpURLConnection) u.openConnection();
            con.setInstanceFollowRedirects(false);
            con.setConnectTimeout(connectTimeoutMs);
            con.setReadTimeout(readTimeoutMs);
            con.setRequestProperty("User-Agent", "sslbench");
            int code = con.getResponseCode();
            if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
                String loc = con.getHeaderField("Location");
                con.disconnect();
                if (loc == null) {
                    throw new DownloadException(target, url + " redirected (" + code + ") without a Location");
                }
                URL next = new URL(u, loc);
                if (u.getProtocol().equals("https") && !next.getProtocol().equals("https")) {
                    throw new DownloadException(target, u + " redirected from https to " + next + "; refused");
                }
                u = next;
                continue;
            }
            if (code != 200) {
                con.disconnect();
                throw new DownloadException(target, "HTTP " + code + " from " + u);
            }
            return con;
        }
        throw new DownloadException(target, "too many redirects from " + url);
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do: the name ends in .part and is never taken for a complete file
        }
    }
}
