package io.sslbench.core.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Data set splits understood by the readers; {@link #id()} is the spelling used on the command line. */
public enum Split {
    TRAIN("train"),
    TEST("test"),
    /** STL-10's 100,000 unlabelled images (labels -1). */
    UNLABELED("unlabeled"),
    /** STL-10's train images (labelled) followed by the unlabelled ones (-1). */
    TRAIN_UNLABELED("train+unlabeled"),
    /** An ImageFolder used as a whole (no train/test sub-folders). */
    ALL("all");

    private final String id;

    Split(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @return the split spelled {@code s} (case-insensitive; "unlabelled" accepted) */
    public static Split parse(String s) {
        String k = s.toLowerCase(Locale.ROOT).replace("unlabelled", "unlabeled");
        for (Split sp : values()) {
            if (sp.id.equals(k)) {
                return sp;
            }
        }
        throw new IllegalArgumentException("unknown split '" + s + "'; expected one of "
                + Arrays.stream(values()).map(Split::id).collect(Collectors.joining(", ")));
    }
}
