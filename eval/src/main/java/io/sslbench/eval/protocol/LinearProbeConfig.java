package io.sslbench.eval.protocol;

/**
 * Settings of the linear probe: multinomial logistic regression with L2 on standardised frozen features,
 * minimised to convergence with full-batch L-BFGS (SimCLR, Appendix B.5: "an l2-regularized multinomial
 * logistic regression classifier on features extracted from the frozen pretrained network ... L-BFGS ...
 * no data augmentation").
 *
 * <p>Objective: {@code (1/N) sum_i -log softmax(W' x_i + b)[y_i] + (l2/2) ||W||_F^2} (bias not regularised).
 *
 * @param l2            L2 coefficient {@code lambda} &gt;= 0 of the objective above. Default {@value #DEFAULT_L2}:
 *                      on standardised features it is mild (scikit-learn's {@code C = 1/(lambda N)} = 0.2 at
 *                      N = 50,000) yet makes the problem strongly convex, so L-BFGS converges in a bounded
 *                      number of iterations even on linearly separable features, where the unregularised
 *                      optimum is at infinity. SimCLR tuned it over 45 log-spaced values in [1e-6, 1e5] on a
 *                      validation split; we use one fixed value for every method so numbers are comparable.
 * @param maxIterations L-BFGS iterations, &gt;= 1
 * @param tolerance     convergence when {@code max |gradient| <= tolerance}, &gt; 0
 * @param history       L-BFGS memory (pairs), &gt;= 1
 */
public record LinearProbeConfig(double l2, int maxIterations, double tolerance, int history) {
    public static final double DEFAULT_L2 = 1e-4;

    public LinearProbeConfig {
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("LinearProbeConfig.l2 must be finite and >= 0, got " + l2);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("LinearProbeConfig.maxIterations must be >= 1, got " + maxIterations);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("LinearProbeConfig.tolerance must be > 0, got " + tolerance);
        }
        if (history < 1 || history > 1000) {
            throw new IllegalArgumentException("LinearProbeConfig.history must be in [1, 1000], got " + history);
        }
    }

    /** l2 = 1e-4, at most 1000 iterations, gradient tolerance 1e-6, memory 10. */
    public static LinearProbeConfig defaults() {
        return new LinearProbeConfig(DEFAULT_L2, 1000, 1e-6, 10);
    }

    /** @return a copy with another L2 coefficient */
    public LinearProbeConfig withL2(double newL2) {
        return new LinearProbeConfig(newL2, maxIterations, tolerance, history);
    }

    /** @return a copy with another gradient tolerance */
    public LinearProbeConfig withTolerance(double newTolerance) {
        return new LinearProbeConfig(l2, maxIterations, newTolerance, history);
    }
}
