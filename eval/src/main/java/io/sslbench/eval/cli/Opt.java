package io.sslbench.eval.cli;

import java.util.List;
import java.util.function.Supplier;

/**
 * One option of a command, declared once: the parser, the generated {@code --help} and the bash completion script are
 * built from it ({@link Main#commandLine()}).
 *
 * @param name        long name without the dashes, e.g. {@code method}
 * @param label       the value's label, e.g. {@code M}; null for a flag
 * @param repeatable  may be given several times ({@link Args#all})
 * @param type        the value's type, checked by the parser (String, Integer, Double)
 * @param description one line (or more) of help
 * @param candidates  the values completion offers (null: none, e.g. a path)
 */
record Opt(String name, String label, boolean repeatable, Class<?> type, String description,
           Supplier<List<String>> candidates) {

    /** @return a flag (no value) */
    static Opt flag(String name, String description) {
        return new Opt(name, null, false, Boolean.class, description, null);
    }

    /** @return an option taking one string value */
    static Opt value(String name, String label, String description) {
        return new Opt(name, label, false, String.class, description, null);
    }

    /** @return this option, repeatable */
    Opt many() {
        return new Opt(name, label, true, type, description, candidates);
    }

    /** @return this option with integer values */
    Opt ints() {
        return new Opt(name, label, repeatable, Integer.class, description, candidates);
    }

    /** @return this option with decimal values */
    Opt doubles() {
        return new Opt(name, label, repeatable, Double.class, description, candidates);
    }

    /** @return this option, completing to {@code values} */
    Opt completing(Supplier<List<String>> values) {
        return new Opt(name, label, repeatable, type, description, values);
    }

    boolean isFlag() {
        return label == null;
    }

    /**
     * Positional parameters of a command.
     *
     * @param label       e.g. {@code COMMAND [DATASET]}
     * @param description help
     * @param candidates  what completion offers
     */
    record Positional(String label, String description, Supplier<List<String>> candidates) {
    }
}
