package io.sslbench.core.testing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.ToDoubleFunction;

/**
 * Central finite-difference gradient check in DOUBLE, shared by every loss and layer test.
 *
 * <p>Usage: {@code GradCheck.maxRelativeError(x -> loss(x).value(), x, analyticGrad, 1e-6)}; the
 * input is perturbed in place and restored, so pass a DOUBLE array you own.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * @param f        scalar function of {@code x}
     * @param x        point (DOUBLE), perturbed in place and restored
     * @param analytic the analytic gradient df/dx at {@code x}, same shape
     * @param eps      step of the central difference
     * @return the largest relative error |a - n| / max(|a| + |n|, 1e-8) over all entries whose
     *         magnitude is above 1e-9 (entries where both are ~0 count as exact)
     */
    public static double maxRelativeError(ToDoubleFunction<INDArray> f, INDArray x, INDArray analytic, double eps) {
        if (x.dataType() != DataType.DOUBLE || analytic.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("gradient checks run in DOUBLE; got " + x.dataType() + "/" + analytic.dataType());
        }
        if (!java.util.Arrays.equals(x.shape(), analytic.shape())) {
            throw new IllegalArgumentException("shape mismatch: x " + java.util.Arrays.toString(x.shape())
                    + " vs gradient " + java.util.Arrays.toString(analytic.shape()));
        }
        INDArray flat = x.reshape(x.length());
        INDArray aFlat = analytic.reshape(analytic.length());
        double worst = 0;
        for (long i = 0; i < flat.length(); i++) {
            double orig = flat.getDouble(i);
            flat.putScalar(i, orig + eps);
            double plus = f.applyAsDouble(x);
            flat.putScalar(i, orig - eps);
            double minus = f.applyAsDouble(x);
            flat.putScalar(i, orig);
            double numeric = (plus - minus) / (2 * eps);
            double a = aFlat.getDouble(i);
            if (Math.abs(a) < 1e-9 && Math.abs(numeric) < 1e-9) {
                continue;
            }
            double rel = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-8);
            worst = Math.max(worst, rel);
        }
        return worst;
    }
}
