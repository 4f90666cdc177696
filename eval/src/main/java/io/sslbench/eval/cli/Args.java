package io.sslbench.eval.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** A command's parsed options and positionals (parsed by picocli from the command's {@link Opt}s), as text. */
final class Args {
    final Map<String, List<String>> options = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();

    /** @return the values picocli matched, as the user wrote them */
    static Args of(ParseResult pr) {
        Args a = new Args();
        // an option matched n times is listed n times, each time with all its values: take each once
        for (OptionSpec o : new LinkedHashSet<>(pr.matchedOptions())) {
            String key = o.longestName().replaceFirst("^-+", "");
            List<String> raw = o.arity().max == 0 ? List.of("true") : o.originalStringValues();
            a.options.computeIfAbsent(key, k -> new ArrayList<>()).addAll(raw.isEmpty() ? List.of("true") : raw);
        }
        for (PositionalParamSpec p : pr.matchedPositionals()) {
            a.positional.addAll(p.originalStringValues());
        }
        return a;
    }

    /** @return the options given as {@code key -> values} (tests and programmatic callers) */
    static Args of(Map<String, List<String>> options) {
        Args a = new Args();
        a.options.putAll(options);
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
