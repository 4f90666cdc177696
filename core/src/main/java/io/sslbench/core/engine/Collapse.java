package io.sslbench.core.engine;

import io.sslbench.core.loss.L2Normalize;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Representation-collapse monitor of SimSiam (Chen &amp; He 2021, Sec. 4.1, Fig. 2 middle): the standard
 * deviation of the l2-normalised embeddings, computed per output channel over the batch and averaged over
 * channels. The training engine logs it every epoch; results record it with a {@link Verdict}.
 *
 * <p>Reference values: if the embeddings z are isotropic Gaussian, z/||z|| has per-channel variance
 * 1/d, so the monitor reads about {@code 1/sqrt(d)} for a healthy encoder; if every input is mapped to
 * the same vector the per-channel std is 0 ("complete collapse").
 */
public final class Collapse {
    private Collapse() {}

    /**
     * Fraction of the healthy reference {@code 1/sqrt(d)} below which the embeddings count as collapsed.
     *
     * <p>Choice: SimSiam's Fig. 2 (middle) shows the run without stop-gradient at ~0 from the first epochs
     * and the healthy run close to the {@code 1/sqrt(d)} line, so any threshold well between the two
     * separates them; 0.1 (one decade below healthy) leaves room for healthy but anisotropic embeddings.
     * What the threshold means: with population variances, {@code mean_j Var_j = (1 - ||mu||^2) / d}
     * where {@code mu} is the mean of the normalised embeddings, and the averaged std is at most
     * {@code sqrt(mean_j Var_j)}. Embeddings spread evenly over the channels therefore read below
     * {@code 0.1/sqrt(d)} only when {@code ||mu||^2 > 0.99}, i.e. all of them lie in a small cap around one
     * direction (cosine to their mean direction about 0.99 or more). Spread concentrated in a few channels
     * reads lower (variance in a single axis gives at most {@code 1/d}), so a near one-dimensional
     * representation is also flagged once {@code d > 100}; both are collapse in the paper's sense.
     */
    public static final double THRESHOLD_FRACTION = 0.1;

    /**
     * SimSiam collapse monitor: {@code mean_j std_i( z_ij / ||z_i|| )}.
     *
     * <p>The std over the batch is the unbiased sample std (divisor {@code N-1}), as {@code torch.std}
     * computes it by default. Computed in DOUBLE; the input is not modified.
     *
     * @param embeddings [N, d] embeddings (projector or predictor outputs), N &gt;= 2, any float type
     * @return the averaged per-channel std of the l2-normalised rows (&gt;= 0; at most
     *         {@code sqrt(N / ((N-1) d))}, so about 1/sqrt(d) at most for large N)
     */
    public static double std(INDArray embeddings) {
        if (embeddings.rank() != 2) {
            throw new IllegalArgumentException("embeddings must be [N, d], got shape "
                    + Arrays.toString(embeddings.shape()));
        }
        if (embeddings.size(0) < 2) {
            throw new IllegalArgumentException("need at least 2 embeddings for a std, got " + embeddings.size(0));
        }
        INDArray z = L2Normalize.forward(embeddings.castTo(DataType.DOUBLE), "embeddings").unit();
        return z.std(true, 0).meanNumber().doubleValue();
    }

    /** @return the healthy reference {@code 1/sqrt(d)} */
    public static double healthy(int d) {
        requirePositiveDim(d);
        return 1.0 / Math.sqrt(d);
    }

    /** @return the collapse threshold {@code THRESHOLD_FRACTION / sqrt(d)} */
    public static double threshold(int d) {
        return THRESHOLD_FRACTION * healthy(d);
    }

    private static void requirePositiveDim(int d) {
        if (d <= 0) {
            throw new IllegalArgumentException("embedding dimension d must be >= 1, got " + d);
        }
    }

    /**
     * Fraction of {@code 1/sqrt(d)} below which a loss sitting at its degenerate value counts as collapse
     * (the second rule of {@link Verdict#of(double, int, double, Optional)}).
     *
     * <p>Choice: a collapsing SimSiam (no stop-gradient) reaches its degenerate loss with its output spread still at a
     * third to a half of the healthy value, where the std alone cannot separate it from a healthy but anisotropic run;
     * healthy runs whose loss approaches the band keep a larger spread. The measured trajectories and margins (quick,
     * demo, cpu-hour and ten-times-longer runs) are in README, "demo and cpu-hour".
     */
    public static final double DEGENERATE_STD_FRACTION = 0.5;

    /**
     * Fraction of the loss's range within which the loss counts as sitting at its degenerate value (SimSiam:
     * loss &lt;= -0.8; BYOL: loss &lt;= 0.8). Healthy runs can enter this band late in training: the std condition of
     * the rule is what keeps them healthy (margins in README, "demo and cpu-hour").
     */
    public static final double DEGENERATE_LOSS_FRACTION = 0.1;

    /**
     * The loss a method reaches when every input maps to the same output (SimSiam: -1, "the minimum
     * possible loss" of Fig. 2 left; BYOL: 0), and the width of the loss's range, which scales the tolerance.
     *
     * @param value the degenerate (constant-output) loss
     * @param range max - min of the loss (SimSiam 2, BYOL 8)
     */
    public record TrivialLoss(double value, double range) {
        public TrivialLoss {
            if (!Double.isFinite(value) || !(range > 0) || Double.isInfinite(range)) {
                throw new IllegalArgumentException("TrivialLoss needs a finite value and a range > 0, got " + value
                        + ", " + range);
            }
        }

        /** @return whether {@code loss} is within {@link #DEGENERATE_LOSS_FRACTION} of the range from the value */
        public boolean reachedBy(double loss) {
            return Math.abs(loss - value) <= DEGENERATE_LOSS_FRACTION * range;
        }
    }

    /**
     * A collapse signal a method reports among its {@link SslMethod#diagnostics()}: the run counts as collapsed
     * once the diagnostic's last-epoch mean reaches {@code limit} (SwAV: normalised code entropy 0.99, the
     * uniform assignment).
     *
     * @param diagnostic the diagnostic's name
     * @param limit      value at or above which the run is collapsed
     * @param meaning    what reaching it means, quoted in the verdict's reason
     */
    public record DiagnosticLimit(String diagnostic, double limit, String meaning) {
        public DiagnosticLimit {
            if (diagnostic == null || diagnostic.isBlank() || !Double.isFinite(limit) || meaning == null) {
                throw new IllegalArgumentException("DiagnosticLimit needs a name, a finite limit and a meaning, got "
                        + diagnostic + ", " + limit + ", " + meaning);
            }
        }
    }

    /**
     * Collapse verdict for one measurement.
     *
     * @param std       the monitor value {@link #std(INDArray)}
     * @param dim       embedding dimension d
     * @param healthy   {@code 1/sqrt(d)}
     * @param threshold {@code THRESHOLD_FRACTION/sqrt(d)}
     * @param collapsed whether either rule fired (see {@link #of(double, int, double, java.util.Optional)})
     * @param reason    why it is collapsed, "" when it is not
     */
    public record Verdict(double std, int dim, double healthy, double threshold, boolean collapsed, String reason) {
        public Verdict {
            requirePositiveDim(dim);
            if (!(std >= 0) || Double.isInfinite(std)) {
                throw new IllegalArgumentException("std must be finite and >= 0, got " + std);
            }
            if (collapsed == reason.isEmpty()) {
                throw new IllegalArgumentException("a collapsed verdict needs a reason and a healthy one none");
            }
        }

        /** @return the std-only verdict: collapsed iff {@code std < THRESHOLD_FRACTION/sqrt(d)} */
        public static Verdict of(double std, int d) {
            return of(std, d, Double.NaN, Optional.empty());
        }

        /**
         * The verdict from the two signals of SimSiam's Fig. 2: collapsed if
         * (1) {@code std < THRESHOLD_FRACTION/sqrt(d)} (complete collapse, whatever the method), or
         * (2) the method has a degenerate loss value, the loss is within {@link #DEGENERATE_LOSS_FRACTION} of
         * the loss's range from it, and {@code std < DEGENERATE_STD_FRACTION/sqrt(d)} (the optimiser found
         * the degenerate solution and the spread is going).
         *
         * @param loss    the final loss (mean over the last epoch); NaN skips rule 2
         * @param trivial the method's degenerate loss, if it has one
         */
        public static Verdict of(double std, int d, double loss, Optional<TrivialLoss> trivial) {
            double h = Collapse.healthy(d), t = Collapse.threshold(d);
            String reason = "";
            if (std < t) {
                reason = String.format(Locale.ROOT, "output std %.4f < %.1f/sqrt(d) = %.4f", std,
                        THRESHOLD_FRACTION, t);
            } else if (trivial.isPresent() && Double.isFinite(loss) && trivial.get().reachedBy(loss)
                    && std < DEGENERATE_STD_FRACTION * h) {
                reason = String.format(Locale.ROOT,
                        "loss %.4f at its degenerate value %.4f and output std %.4f < %.1f/sqrt(d) = %.4f", loss,
                        trivial.get().value(), std, DEGENERATE_STD_FRACTION, DEGENERATE_STD_FRACTION * h);
            }
            return new Verdict(std, d, h, t, !reason.isEmpty(), reason);
        }

        /**
         * {@link #of(double, int, double, java.util.Optional)}, then (3) collapsed if a diagnostic the method
         * declares a limit for has reached it.
         *
         * @param diagnostics the run's last-epoch diagnostic means (a missing one never fires)
         * @param limits      the method's {@link SslMethod#collapseLimits()}
         */
        public static Verdict of(double std, int d, double loss, Optional<TrivialLoss> trivial,
                                 Map<String, Double> diagnostics, List<DiagnosticLimit> limits) {
            Verdict v = of(std, d, loss, trivial);
            if (v.collapsed()) {
                return v;
            }
            for (DiagnosticLimit l : limits) {
                Double value = diagnostics.get(l.diagnostic());
                if (value != null && value >= l.limit()) {
                    return new Verdict(std, d, v.healthy(), v.threshold(), true, String.format(Locale.ROOT,
                            "%s %.4f >= %.4f: %s", l.diagnostic(), value, l.limit(), l.meaning()));
                }
            }
            return v;
        }

        /**
         * This verdict, then (4) collapsed if the output std fell below {@code THRESHOLD_FRACTION/sqrt(d)} at the end of
         * any epoch (complete collapse during training, even if the spread partly came back by the end: MoCo with
         * momentum 0 collapses early, loss at chance, and its std then recovers to about half of the healthy value
         * without the encoder learning). The measured trajectories and the margin of the healthy runs above this
         * threshold are in README, "The regression gate".
         *
         * @param lowestEpochStd the lowest epoch-mean std over the run's epochs
         * @param epoch          the (1-based) epoch it was measured at; 0 when unknown (a summary written before the
         *                       trajectory was kept): the rule is skipped
         */
        public Verdict withTrajectory(double lowestEpochStd, int epoch) {
            if (collapsed || epoch <= 0 || !(lowestEpochStd < threshold)) {
                return this;
            }
            return new Verdict(std, dim, healthy, threshold, true, String.format(Locale.ROOT,
                    "output std fell to %.4f < %.1f/sqrt(d) = %.4f at the end of epoch %d (complete collapse; %.4f at "
                            + "the end of training)", lowestEpochStd, THRESHOLD_FRACTION, threshold, epoch, std));
        }

        /** @return std as a fraction of the healthy value 1/sqrt(d) */
        public double ratioToHealthy() {
            return std / healthy;
        }
    }
}
