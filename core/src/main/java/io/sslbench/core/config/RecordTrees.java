package io.sslbench.core.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records back to nested maps: the resolved config written to a run folder and hashed. */
public final class RecordTrees {
    private RecordTrees() {}

    public static Map<String, Object> toTree(Record r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            out.put(c.getName(), v instanceof Record rr ? toTree(rr) : v);
        }
        return out;
    }
}
