package io.sslbench.core.data;

/**
 * How {@link Datasets#load(String, String, DataRoot, LoadOptions)} loads.
 *
 * @param allowDownload fetch an absent data set from its official source
 * @param quiet         no progress bar or messages
 * @param maxImages     keep only the first this many images (0: all)
 * @param threads       image decoding threads, >= 1
 * @param baseUrl       replaces the official download mirrors (null: system property
 *                      {@code sslbench.data.baseUrl}, else the official URLs)
 * @param useCache      cache decoded image folders on disk
 */
public record LoadOptions(boolean allowDownload, boolean quiet, int maxImages, int threads, String baseUrl,
                          boolean useCache) {
    public LoadOptions {
        if (maxImages < 0) {
            throw new IllegalArgumentException("maxImages must be >= 0 (0 = all), got " + maxImages);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** No download, progress shown, all images, one thread per core, cache on. */
    public static LoadOptions defaults() {
        return new LoadOptions(false, false, 0, Runtime.getRuntime().availableProcessors(), null, true);
    }

    public LoadOptions withDownload(boolean allow) {
        return new LoadOptions(allow, quiet, maxImages, threads, baseUrl, useCache);
    }

    public LoadOptions withQuiet(boolean q) {
        return new LoadOptions(allowDownload, q, maxImages, threads, baseUrl, useCache);
    }

    public LoadOptions withMaxImages(int n) {
        return new LoadOptions(allowDownload, quiet, n, threads, baseUrl, useCache);
    }

    public LoadOptions withThreads(int t) {
        return new LoadOptions(allowDownload, quiet, maxImages, t, baseUrl, useCache);
    }

    public LoadOptions withBaseUrl(String url) {
        return new LoadOptions(allowDownload, quiet, maxImages, threads, url, useCache);
    }

    public LoadOptions withCache(boolean c) {
        return new LoadOptions(allowDownload, quiet, maxImages, threads, baseUrl, c);
    }
}
