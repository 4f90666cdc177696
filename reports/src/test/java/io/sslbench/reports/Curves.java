package io.sslbench.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/** Synthetic training curves for the tests. */
final class Curves {
    private Curves() {}

    /**
     * A run of {@code epochs} epochs with {@code stepsPerEpoch} steps each: every step logs step, epoch,
     * loss and collapseStd; the last step of each epoch also logs knnTop1.
     */
    static TrainingCurve run(String runId, int epochs, int stepsPerEpoch, IntToDoubleFunction lossAtStep,
                             IntToDoubleFunction stdAtStep, IntToDoubleFunction knnAtEpoch) {
        List<Map<String, Double>> lines = new ArrayList<>();
        int step = 0;
        for (int e = 0; e < epochs; e++) {
            for (int s = 0; s < stepsPerEpoch; s++, step++) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put(TrainingCurve.STEP, (double) step);
                m.put(TrainingCurve.EPOCH, (double) e);
                m.put(TrainingCurve.LOSS, lossAtStep.applyAsDouble(step));
                m.put(TrainingCurve.COLLAPSE_STD, stdAtStep.applyAsDouble(step));
                if (s == stepsPerEpoch - 1) {
                    m.put(TrainingCurve.KNN_TOP1, knnAtEpoch.applyAsDouble(e));
                }
                lines.add(m);
            }
        }
        return new TrainingCurve(runId, lines);
    }
}
