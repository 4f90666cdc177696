package io.sslbench.reports;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Method ids: display names and the order tables list them in (the papers' chronology). */
public final class Methods {
    private Methods() {}

    /** Known method ids in display order. */
    public static final List<String> ORDER = List.of("moco-v1", "simclr", "moco-v2", "byol", "swav", "simclr-v2", "simsiam");

    private static final Map<String, String> NAMES = Map.of("moco-v1", "MoCo v1", "moco-v2", "MoCo v2", "simclr", "SimCLR",
            "simclr-v2", "SimCLR v2", "byol", "BYOL", "swav", "SwAV", "simsiam", "SimSiam");

    /** @return the display name of a method id, or the id itself when unknown */
    public static String displayName(String method) {
        return NAMES.getOrDefault(method, method);
    }

    /** Known methods in {@link #ORDER}, unknown ones after them alphabetically. */
    public static final Comparator<String> COMPARATOR = Comparator
            .comparingInt((String m) -> ORDER.contains(m) ? ORDER.indexOf(m) : ORDER.size())
            .thenComparing(Comparator.naturalOrder());
}
