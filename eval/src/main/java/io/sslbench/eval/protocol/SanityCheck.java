package io.sslbench.eval.protocol;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The official MoCo {@code main_lincls.py} {@code sanity_check}, for DL4J graphs: after a frozen-feature
 * evaluation every backbone weight and every BN statistic must be bit-for-bit unchanged.
 *
 * <p>In DL4J the BN running mean and variance are entries of the parameter vector (keys {@code <layer>_mean},
 * {@code <layer>_log10stdev}, the M2.1 default, or {@code <layer>_var}), so comparing the flattened parameters covers both.
 */
public final class SanityCheck {
    private SanityCheck() {}

    /**
     * Fails loudly if any parameter of {@code after} differs from the snapshot.
     *
     * @param paramsBefore a copy of {@code graph.params()} taken before the evaluation ({@code params().dup()})
     * @param after        the graph after the evaluation (same architecture)
     * @throws IllegalArgumentException if {@code paramsBefore} is the live parameter vector rather than a copy
     * @throws IllegalStateException naming the first changed parameter (in parameter-vector order) by its
     *                               {@code paramTable()} key, the first changed element and both values
     */
    public static void assertUnchanged(INDArray paramsBefore, ComputationGraph after) {
        INDArray flat = after.params();
        if (root(paramsBefore) == root(flat)) {
            throw new IllegalArgumentException("sanity check: paramsBefore is the graph's live parameter vector; "
                    + "pass a copy taken before the evaluation (graph.params().dup())");
        }
        if (paramsBefore.length() != flat.length()) {
            throw new IllegalStateException("sanity check: parameter count changed from " + paramsBefore.length()
                    + " to " + flat.length());
        }
        INDArray before = paramsBefore.reshape(paramsBefore.length());
        INDArray now = flat.reshape(flat.length());
        // exact: INDArray.equals allows a difference of 1e-5, which would pass a small change of the frozen encoder
        if (!now.neq(before).any()) {
            return;
        }
        // locate each paramTable entry inside the flattened vector: the entries are views of it
        List<Map.Entry<String, INDArray>> entries = new ArrayList<>(after.paramTable().entrySet());
        entries.removeIf(e -> root(e.getValue()) != root(flat));
        entries.sort(Comparator.comparingLong(e -> e.getValue().offset()));
        long base = flat.offset();
        for (Map.Entry<String, INDArray> e : entries) {
            long off = e.getValue().offset() - base;
            long len = e.getValue().length();
            for (long i = off; i < off + len; i++) {
                double b = before.getDouble(i), a = now.getDouble(i);
                if (Double.compare(b, a) != 0) {
                    throw new IllegalStateException("sanity check failed: parameter '" + e.getKey()
                            + "' changed during evaluation (element " + (i - off) + ": " + b + " -> " + a
                            + "); the frozen encoder must not be modified");
                }
            }
        }
        for (long i = 0; i < now.length(); i++) {
            if (Double.compare(before.getDouble(i), now.getDouble(i)) != 0) {
                throw new IllegalStateException("sanity check failed: flattened parameter " + i + " changed ("
                        + before.getDouble(i) + " -> " + now.getDouble(i) + ")");
            }
        }
    }

    /**
     * @return the buffer that owns {@code x}'s memory: the original buffer of a view, else its own. (A buffer
     *         that is not a view has no original buffer: comparing {@code originalDataBuffer()} alone compared
     *         null with null and took every copy of a restored graph's parameters for the live vector.)
     */
    private static DataBuffer root(INDArray x) {
        DataBuffer d = x.data();
        return d.originalDataBuffer() != null ? d.originalDataBuffer() : d;
    }
}
