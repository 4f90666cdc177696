package io.sslbench.core.config;

/** An invalid configuration: the message names the key (dotted path) and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    private final String key;
    private final String problem;

    public ConfigException(String key, String problem) {
        super("invalid config '" + key + "': " + problem);
        this.key = key;
        this.problem = problem;
    }

    public String key() {
        return key;
    }

    /** @return the same error with the key placed under a parent path */
    ConfigException under(String path) {
        if (path == null || path.isEmpty() || key.startsWith(path + ".")) {
            return this;
        }
        return new ConfigException(path + "." + key, problem);
    }

    /** Validation helper for compact constructors: fails with the key and allowed range. */
    public static void check(boolean ok, String key, String allowed, Object actual) {
        if (!ok) {
            throw new ConfigException(key, "must be " + allowed + ", got " + actual);
        }
    }
}
