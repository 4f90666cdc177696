package io.sslbench.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds nested maps (parsed YAML) to validated config records, strictly: an unknown key is an error
 * naming the key and the valid ones, a value of the wrong type names the key and the type, and the
 * record's own compact-constructor validation runs (its message names the field). Missing keys take
 * the value of a defaults instance: the paper's defaults live in one factory per record.
 */
public final class Records {
    private Records() {}

    /**
     * @param type     record type
     * @param values   user values (may be null or partial)
     * @param defaults instance providing every missing value
     * @param path     dotted path of this record in the config, for messages ("" at the root)
     */
    public static <T extends Record> T bind(Class<T> type, Map<String, ?> values, T defaults, String path) {
        Map<String, ?> v = values == null ? Map.of() : values;
        RecordComponent[] comps = type.getRecordComponents();
        Set<String> names = new TreeSet<>();
        for (RecordComponent c : comps) {
            names.add(c.getName());
        }
        for (String k : v.keySet()) {
            if (!names.contains(k)) {
                throw new ConfigException(key(path, k), "unknown key; valid keys here: " + names);
            }
        }
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent c = comps[i];
            types[i] = c.getType();
            Object def;
            try {
                def = c.getAccessor().invoke(defaults);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            String k = key(path, c.getName());
            if (!v.containsKey(c.getName())) {
                args[i] = def;
                continue;
            }
            Object raw = v.get(c.getName());
            args[i] = coerce(c.getType(), raw, def, k);
        }
        try {
            Constructor<T> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce) {
                throw ce.under(path);
            }
            if (cause instanceof IllegalArgumentException iae) {
                throw new ConfigException(path.isEmpty() ? type.getSimpleName() : path, iae.getMessage());
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object coerce(Class<?> t, Object raw, Object def, String key) {
        if (raw == null) {
            if (t.isPrimitive()) {
                throw new ConfigException(key, "must not be null");
            }
            return null;
        }
        try {
            if (t == int.class || t == Integer.class) {
                return toLongExact(raw, key, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
            }
            if (t == long.class || t == Long.class) {
                return toLongExact(raw, key, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            if (t == double.class || t == Double.class) {
                double d = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString());
                if (!Double.isFinite(d)) {
                    throw new ConfigException(key, "must be a finite number, got " + raw);
                }
                return d;
            }
            if (t == boolean.class || t == Boolean.class) {
                if (raw instanceof Boolean b) {
                    return b;
                }
                String s = raw.toString().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw new ConfigException(key, "expected true or false, got '" + raw + "'");
            }
            if (t == String.class) {
                return raw.toString();
            }
            if (t.isRecord()) {
                if (!(raw instanceof Map)) {
                    throw new ConfigException(key, "expected a section (map), got '" + raw + "'");
                }
                return bind((Class) t, (Map<String, ?>) raw, (Record) def, key);
            }
            if (Map.class.isAssignableFrom(t)) {
                if (!(raw instanceof Map)) {
                    throw new ConfigException(key, "expected a section (map), got '" + raw + "'");
                }
                Map<String, Object> merged = new LinkedHashMap<>();
                if (def instanceof Map<?, ?> dm) {
                    dm.forEach((a, b) -> merged.put(a.toString(), b));
                }
                ((Map<?, ?>) raw).forEach((a, b) -> merged.put(a.toString(), b));
                return Map.copyOf(merged);
            }
            if (List.class.isAssignableFrom(t)) {
                if (raw instanceof List<?> l) {
                    return List.copyOf(l);
                }
                return List.of(raw);
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "expected a number, got '" + raw + "'");
        }
        throw new IllegalStateException("unsupported config type " + t + " at " + key);
    }

    private static Long toLongExact(Object raw, String key, long min, long max) {
        long v;
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) {
                throw new ConfigException(key, "expected an integer, got " + raw);
            }
            v = n.longValue();
        } else {
            try {
                v = Long.parseLong(raw.toString().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "expected an integer, got '" + raw + "'");
            }
        }
        if (v < min || v > max) {
            throw new ConfigException(key, "integer out of range: " + v);
        }
        return v;
    }

    static String key(String path, String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }
}
