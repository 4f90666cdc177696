package io.sslbench.core.loss;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Numerical range rules for softmaxes over cosine-similarity logits {@code s / tau}, shared by the
 * contrastive losses.
 *
 * <p>Because {@code |s| <= 1}, every logit lies in {@code [-1/tau, 1/tau]}. When
 * {@code 1/tau + ln(terms)} stays below the largest safe exponent of the data type, {@code exp}
 * can be taken of the raw logits: no term or row sum overflows, and no term underflows to zero
 * (its exponent is at least {@code -1/tau}). The usual per-row maximum subtraction is then
 * unnecessary, which saves two passes over the logit matrix and, for NT-Xent, keeps
 * {@code exp(S/tau)} symmetric.
 */
public final class CosineLogits {
    private CosineLogits() {}

    /**
     * @param type     the data type the exponentials are computed in
     * @param invTau   {@code 1 / tau}
     * @param terms    the number of terms in one softmax denominator
     * @return whether {@code exp(logit)} can be summed over a row without overflow or underflow
     */
    public static boolean unshiftedExpIsSafe(DataType type, double invTau, long terms) {
        return invTau + Math.log(Math.max(terms, 1)) <= maxSafeExponent(type);
    }

    /**
     * @param type a floating-point type
     * @return an exponent whose {@code exp} is comfortably finite and whose {@code exp(-x)} is
     *         still a normal number in that type (DOUBLE 700, FLOAT/BFLOAT16 80, HALF 9)
     */
    public static double maxSafeExponent(DataType type) {
        return switch (type) {
            case DOUBLE -> 700;
            case FLOAT, BFLOAT16 -> 80;
            case HALF -> 9;
            default -> throw new IllegalArgumentException("not a floating-point type: " + type);
        };
    }
}
