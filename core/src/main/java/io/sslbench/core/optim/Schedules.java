package io.sslbench.core.optim;

import java.util.List;

/** Learning-rate and momentum schedules, pure functions of the step. */
public final class Schedules {
    private Schedules() {}

    /**
     * Linear warm-up from 0 to {@code base} over {@code warmupSteps}, then cosine decay to
     * {@code base·minFraction} at {@code totalSteps} (SimCLR/BYOL/SimSiam). With {@code cosine=false}
     * the rate stays at base after warm-up.
     */
    public static double warmupCosine(double base, long step, long warmupSteps, long totalSteps, double minFraction,
                                      boolean cosine) {
        checkStep(step);
        if (warmupSteps > 0 && step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        if (!cosine) {
            return base;
        }
        long decay = Math.max(1, totalSteps - warmupSteps);
        double t = Math.min(1.0, (double) (step - warmupSteps) / decay);
        double min = base * minFraction;
        return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /** The step schedule's factor at each milestone: MoCo's "drop lr by 10x" ({@code main_moco.py --schedule}). */
    public static final double STEP_FACTOR = 0.1;

    /**
     * A step schedule over {@code lr}: times {@link #STEP_FACTOR} for every milestone passed. Milestones are fractions of
     * the run: milestone {@code f} falls at the start of epoch {@code round(f × epochs)} (0-based), so MoCo v1's epochs
     * 120 and 160 of 200 ({@code --schedule 120 160}) are [0.6, 0.8], and a shorter run drops at the same relative
     * points. As {@code main_moco.py}'s {@code adjust_learning_rate}, the rate changes only at epoch boundaries.
     *
     * @param lr            the rate before the steps (warm-up/constant)
     * @param step          global step (0-based)
     * @param stepsPerEpoch steps in one epoch
     * @param epochs        epochs in the run
     * @param milestones    increasing fractions in (0, 1); empty: {@code lr} unchanged
     */
    public static double stepDecay(double lr, long step, long stepsPerEpoch, int epochs, List<Double> milestones) {
        checkStep(step);
        double out = lr;
        for (double f : milestones) {
            if (step >= Math.round(f * epochs) * stepsPerEpoch) {
                out *= STEP_FACTOR;
            }
        }
        return out;
    }

    /**
     * BYOL's target decay: {@code τ = 1 − (1 − τ_base)·(cos(π·k/K) + 1)/2}, rising from τ_base at step 0
     * to 1 at step K.
     */
    public static double cosineMomentum(double base, long step, long totalSteps) {
        checkStep(step);
        if (base < 0 || base > 1) {
            throw new IllegalArgumentException("momentum base must be in [0, 1], got " + base);
        }
        double t = Math.min(1.0, (double) step / Math.max(1, totalSteps));
        return 1 - (1 - base) * (Math.cos(Math.PI * t) + 1) / 2;
    }

    /** The linear scaling rule {@code lr = base × batch / 256}. */
    public static double scaleLr(double base, int batchSize, boolean scale) {
        return scale ? base * batchSize / 256.0 : base;
    }

    private static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }
}
