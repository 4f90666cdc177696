package io.sslbench.core.engine;

import io.sslbench.core.loss.LossResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The named outputs of a method's heads (solo-learn's {@code out["z"]}, {@code out["p"]}): column blocks of the head
 * vertex's output, in order, as the method's graph concatenates them. The engine hands the method its outputs by name
 * ({@link Values#get}) and takes its gradients back by name ({@link Values#gradient}), so no method slices or
 * concatenates columns itself. A method with one output uses {@link #single()}.
 *
 * @param names  output names, in column order
 * @param widths their widths; a single unnamed output's is -1 (whatever the head vertex gives)
 */
public record HeadOutputs(List<String> names, List<Integer> widths) {
    /** The name of the one output of {@link #single()}. */
    public static final String OUT = "out";

    public HeadOutputs {
        names = List.copyOf(names);
        widths = List.copyOf(widths);
        if (names.isEmpty() || names.size() != widths.size() || new TreeSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("head outputs need distinct names, one width each: " + names + " " + widths);
        }
        if (names.size() > 1 && widths.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("each of several head outputs needs a width >= 1: " + names + " " + widths);
        }
    }

    /** @return one output, the head vertex's whole output */
    public static HeadOutputs single() {
        return new HeadOutputs(List.of(OUT), List.of(-1));
    }

    /** @return a first named output of {@code width} columns */
    public static HeadOutputs of(String name, int width) {
        return new HeadOutputs(List.of(name), List.of(width));
    }

    /** @return these outputs followed by {@code name}, the next {@code width} columns */
    public HeadOutputs and(String name, int width) {
        List<String> n = new ArrayList<>(names);
        n.add(name);
        List<Integer> w = new ArrayList<>(widths);
        w.add(width);
        return new HeadOutputs(n, w);
    }

    /** @return the outputs in {@code merged}, the head vertex's output of one step */
    public Values values(INDArray merged) {
        return new Values(this, merged);
    }

    /**
     * One step's head outputs.
     *
     * @param outputs the declaration
     * @param merged  the head vertex's output, [rows, sum of widths]
     */
    public record Values(HeadOutputs outputs, INDArray merged) {
        public Values {
            long total = outputs.widths().stream().mapToLong(Integer::longValue).sum();
            if (outputs.names().size() > 1 && merged.size(1) != total) {
                throw new IllegalArgumentException("head output has " + merged.size(1) + " columns, the declared outputs "
                        + outputs.names() + " " + outputs.widths() + " " + total);
            }
        }

        /** @return output {@code name}: a copy of its columns (the whole output for a single one) */
        public INDArray get(String name) {
            if (outputs.names().size() == 1 && outputs.names().get(0).equals(name)) {
                return merged;
            }
            long from = offset(name);
            return merged.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + width(name))).dup();
        }

        /** @return the rows {@code [from, from + n)} of output {@code name}, a view */
        public INDArray rows(String name, long from, long n) {
            long c = offset(name);
            long w = outputs.names().size() == 1 ? merged.size(1) : width(name);
            return merged.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.interval(c, c + w));
        }

        /** @return the number of rows (samples of all views) */
        public long rows() {
            return merged.size(0);
        }

        /**
         * @param value    the loss
         * @param gradient dL/d(output) by name; an output without one gets zeros
         * @return the loss with its gradient with respect to the head vertex's whole output, as the engine needs it
         */
        public LossResult gradient(double value, Map<String, INDArray> gradient) {
            Set<String> unknown = new TreeSet<>(gradient.keySet());
            unknown.removeAll(outputs.names());
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("gradients of unknown head outputs " + unknown + "; outputs: "
                        + outputs.names());
            }
            if (outputs.names().size() == 1) {
                INDArray g = gradient.get(outputs.names().get(0));
                return new LossResult(value, g == null ? Nd4j.zerosLike(merged) : g);
            }
            INDArray[] parts = new INDArray[outputs.names().size()];
            for (int i = 0; i < parts.length; i++) {
                INDArray g = gradient.get(outputs.names().get(i));
                parts[i] = g != null ? g : Nd4j.zeros(merged.dataType(), merged.size(0), outputs.widths().get(i));
            }
            return new LossResult(value, Nd4j.concat(1, parts));
        }

        private long offset(String name) {
            long c = 0;
            for (int i = 0; i < outputs.names().size(); i++) {
                if (outputs.names().get(i).equals(name)) {
                    return c;
                }
                c += outputs.widths().get(i);
            }
            throw new IllegalArgumentException("no head output '" + name + "'; outputs: " + outputs.names());
        }

        private long width(String name) {
            return outputs.widths().get(outputs.names().indexOf(name));
        }
    }
}
