package io.sslbench.eval.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal GNU-style argument parser: {@code --key value}, {@code --key=value}, repeatable keys, flags, positionals. */
final class Args {
    final Map<String, List<String>> options = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();

    static Args parse(String[] argv, Set<String> flags, Set<String> valued) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String key = s.substring(2);
                String val = null;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    val = key.substring(eq + 1);
                    key = key.substring(0, eq);
                }
                if (flags.contains(key)) {
                    a.options.computeIfAbsent(key, k -> new ArrayList<>()).add(val == null ? "true" : val);
                } else if (valued.contains(key)) {
                    if (val == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException("--" + key + " needs a value");
                        }
                        val = argv[++i];
                    }
                    a.options.computeIfAbsent(key, k -> new ArrayList<>()).add(val);
                } else {
                    throw new UsageException("unknown option --" + key);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    String get(String key) {
        List<String> v = options.get(key);
        return v == null ? null : v.get(v.size() - 1);
    }

    String get(String key, String def) {
        String v = get(key);
        return v == null ? def : v;
    }

    List<String> all(String key) {
        return options.getOrDefault(key, List.of());
    }

    boolean flag(String key) {
        return "true".equals(get(key));
    }

    int intValue(String key, int def) {
        String v = get(key);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " expects an integer, got '" + v + "'");
        }
    }

    /** A command-line mistake: printed with the command's usage, exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String msg) {
            super(msg);
        }
    }
}
