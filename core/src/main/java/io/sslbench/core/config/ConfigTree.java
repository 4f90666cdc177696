package io.sslbench.core.config;

import io.sslbench.core.util.BundledResources;
import io.sslbench.core.util.Hashing;
import io.sslbench.core.util.Suggest;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A configuration as a nested map: loaded from YAML (a file or a bundled resource), deep-merged,
 * overridden with {@code key.path=value} pairs ({@code --set}), and hashed canonically.
 */
public final class ConfigTree {
    private ConfigTree() {}

    /** Where bundled configs live on the classpath: {@code sslbench/configs/<name>.yaml}. */
    public static final String RESOURCE_DIR = "sslbench/configs/";

    public static Map<String, Object> parse(String yaml, String source) {
        Yaml y = new Yaml(new SafeConstructor(new LoaderOptions()));
        Object o;
        try {
            o = y.load(yaml);
        } catch (RuntimeException e) {
            throw new ConfigException(source, "not valid YAML: " + e.getMessage());
        }
        if (o == null) {
            return new LinkedHashMap<>();
        }
        if (!(o instanceof Map)) {
            throw new ConfigException(source, "top level must be a map of keys, got " + o.getClass().getSimpleName());
        }
        return deepCopy((Map<?, ?>) o);
    }

    /** Loads a config from a file path, or a bundled config by name (e.g. "simclr-cifar10"). */
    public static Map<String, Object> load(String fileOrName) {
        return load(RESOURCE_DIR, fileOrName);
    }

    /** Loads a YAML file by path, or a bundled one from {@code resourceDir} by name. */
    public static Map<String, Object> load(String resourceDir, String fileOrName) {
        Path p = Path.of(fileOrName);
        if (Files.isRegularFile(p)) {
            try {
                Map<String, Object> tree = parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
                if (tree.isEmpty()) {
                    throw new ConfigException(p.toString(), "is empty (no keys): a run from it would silently use "
                            + "every default; give the keys, or use --method with a bundled config");
                }
                return tree;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config " + p, e);
            }
        }
        String name = fileOrName.endsWith(".yaml") ? fileOrName : fileOrName + ".yaml";
        try (InputStream in = ConfigTree.class.getClassLoader().getResourceAsStream(resourceDir + name)) {
            if (in == null) {
                throw new ConfigException(fileOrName, "no such file, and nothing bundled as '" + resourceDir + name + "'"
                        + Suggest.didYouMean(fileOrName, BundledResources.names(resourceDir, ".yaml")));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resourceDir + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return section {@code key} of the bundled file {@code resourceDir/name.yaml}, if that file is on the class path
     *         and has the section (a name that is not bundled, e.g. a grid given as a path, has none)
     */
    public static Optional<Object> bundledSection(String resourceDir, String name, String key) {
        if (ConfigTree.class.getClassLoader().getResource(resourceDir + name + ".yaml") == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(load(resourceDir, name).get(key));
    }

    /** @return base with every key of {@code over} written over it, recursively for sections */
    public static Map<String, Object> merge(Map<String, Object> base, Map<String, ?> over) {
        Map<String, Object> out = deepCopy(base);
        over.forEach((k, v) -> {
            Object cur = out.get(k);
            if (cur instanceof Map && v instanceof Map) {
                out.put(k, merge(asMap(cur), asMap(v)));
            } else {
                out.put(k, v instanceof Map ? deepCopy((Map<?, ?>) v) : v);
            }
        });
        return out;
    }

    /** Applies {@code a.b.c=value} overrides; the value is parsed as a YAML scalar/flow value. */
    public static Map<String, Object> override(Map<String, Object> tree, List<String> assignments) {
        Map<String, Object> out = deepCopy(tree);
        Yaml y = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(a, "--set expects key=value");
            }
            String key = a.substring(0, eq).trim();
            String val = a.substring(eq + 1);
            Object parsed;
            try {
                parsed = val.isEmpty() ? "" : y.load(val);
            } catch (RuntimeException e) {
                throw new ConfigException(key, "value '" + val + "' of --set " + key + " is not a YAML value ("
                        + e.getMessage().lines().findFirst().orElse("") + "); quote it to give a string");
            }
            String[] parts = key.split("\\.");
            Map<String, Object> cur = out;
            for (int i = 0; i < parts.length - 1; i++) {
                Object next = cur.get(parts[i]);
                if (!(next instanceof Map)) {
                    next = new LinkedHashMap<String, Object>();
                    cur.put(parts[i], next);
                }
                cur = asMap(next);
            }
            cur.put(parts[parts.length - 1], parsed);
        }
        return out;
    }

    /** Canonical text (sorted keys, locale-independent numbers) used for hashing and run folders. */
    public static String canonical(Object node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node);
        return sb.toString();
    }

    /** @return first 16 hex chars of SHA-256 of the canonical form */
    public static String hash(Map<String, ?> tree) {
        return Hashing.sha256Hex(canonical(tree).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** Renders a tree as YAML (block style), e.g. for the resolved config of a run. */
    public static String toYaml(Map<String, ?> tree) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o).dump(sortedCopy(tree));
    }

    private static Object sortedCopy(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> t = new TreeMap<>();
            m.forEach((k, v) -> t.put(k.toString(), sortedCopy(v)));
            return new LinkedHashMap<>(t);
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(sortedCopy(x)));
            return out;
        }
        return node;
    }

    private static void write(StringBuilder sb, Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> t = new TreeMap<>();
            m.forEach((k, v) -> t.put(k.toString(), v));
            sb.append('{');
            boolean first = true;
            for (var e : t.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append('"').append(e.getKey()).append("\":");
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (node instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (node instanceof Double || node instanceof Float) {
            double d = ((Number) node).doubleValue();
            sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%d", (long) d)
                    : Double.toString(d));
        } else if (node instanceof Number n) {
            sb.append(n.longValue());
        } else if (node == null) {
            sb.append("null");
        } else if (node instanceof Boolean b) {
            sb.append(b);
        } else {
            sb.append('"').append(node.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> deepCopy(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map ? deepCopy((Map<?, ?>) v)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return out;
    }
}
