package io.sslbench.eval.protocol;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, Alg. 7.4 two-loop recursion and Alg. 7.5)
 * with a backtracking line search (Armijo, or Hager-Zhang's approximate Wolfe conditions near the optimum), for small smooth problems such as the linear probe's
 * multinomial logistic regression (a few thousand parameters).
 *
 * <p>The initial inverse Hessian is {@code gamma I}, {@code gamma = s'y / y'y} of the newest pair; pairs with
 * non-positive curvature {@code s'y} are skipped, so the direction stays a descent direction.
 */
final class Lbfgs {
    private Lbfgs() {}

    /** Objective: returns f(x) and writes grad f(x) into {@code grad}. */
    interface Objective {
        double evaluate(double[] x, double[] grad);
    }

    /**
     * @param x          the minimiser found
     * @param value      f(x)
     * @param gradMaxAbs max |grad f(x)|
     * @param iterations iterations (line searches) done
     * @param converged  {@code gradMaxAbs <= tolerance}
     */
    record Result(double[] x, double value, double gradMaxAbs, int iterations, boolean converged) {}

    private static final double ARMIJO_C1 = 1e-4;
    private static final int MAX_BACKTRACKS = 60;

    /**
     * Minimises {@code f} from {@code x0} until {@code max |grad| <= tolerance}, {@code maxIterations}, or a line
     * search that cannot decrease f any more (then {@code converged} reports the gradient test).
     */
    static Result minimize(Objective f, double[] x0, int history, int maxIterations, double tolerance) {
        int n = x0.length;
        double[] x = x0.clone(), g = new double[n];
        double fx = f.evaluate(x, g);
        double[][] s = new double[history][], y = new double[history][];
        double[] rho = new double[history];
        int stored = 0, newest = -1;
        double[] xNew = new double[n], gNew = new double[n], d = new double[n], alphaBuf = new double[history];
        double[] sTmp = new double[n], yTmp = new double[n];
        int iter = 0;
        for (; iter < maxIterations && maxAbs(g) > tolerance; iter++) {
            // two-loop recursion: d = -H g
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int j = 0; j < stored; j++) {
                int k = Math.floorMod(newest - j, history);
                alphaBuf[k] = rho[k] * dot(s[k], d);
                axpy(-alphaBuf[k], y[k], d);
            }
            if (stored > 0) {
                scale(dot(s[newest], y[newest]) / dot(y[newest], y[newest]), d);
            }
            for (int j = stored - 1; j >= 0; j--) {
                int k = Math.floorMod(newest - j, history);
                double beta = rho[k] * dot(y[k], d);
                axpy(alphaBuf[k] - beta, s[k], d);
            }
            double gd = dot(g, d);
            if (!(gd < 0)) { // lost descent (numerical trouble): restart from steepest descent
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                gd = dot(g, d);
            }
            double step = stored == 0 ? Math.min(1.0, 1.0 / Math.sqrt(-gd)) : 1.0;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int bt = 0; bt < MAX_BACKTRACKS; bt++) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * d[i];
                }
                fNew = f.evaluate(xNew, gNew);
                if (fNew <= fx + ARMIJO_C1 * step * gd || approximateWolfe(fx, gd, fNew, dot(gNew, d))) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                break; // no decrease possible at machine precision
            }
            for (int i = 0; i < n; i++) {
                sTmp[i] = xNew[i] - x[i];
                yTmp[i] = gNew[i] - g[i];
            }
            double sy = dot(sTmp, yTmp);
            if (sy > 1e-12 * Math.sqrt(dot(sTmp, sTmp) * dot(yTmp, yTmp))) {
                int k = (newest + 1) % history; // replaces the oldest pair once the memory is full
                double[] oldS = s[k], oldY = y[k];
                s[k] = sTmp;
                y[k] = yTmp;
                sTmp = oldS == null ? new double[n] : oldS;
                yTmp = oldY == null ? new double[n] : oldY;
                rho[k] = 1.0 / sy;
                newest = k;
                stored = Math.min(stored + 1, history);
            }
            double[] t = x;
            x = xNew;
            xNew = t;
            t = g;
            g = gNew;
            gNew = t;
            fx = fNew;
        }
        double gm = maxAbs(g);
        return new Result(x, fx, gm, iter, gm <= tolerance);
    }

    /**
     * Hager &amp; Zhang's approximate Wolfe conditions (SIAM J. Optim. 2005, CG_DESCENT): near the optimum f can
     * no longer resolve the Armijo decrease, so a step is also accepted when f did not rise beyond rounding
     * ({@code f(a) <= f(0) + 1e-12 |f(0)|}) and the directional derivative shrank as the Wolfe conditions ask,
     * {@code (2 c1 - 1) f'(0) >= f'(a) >= 0.9 f'(0)}.
     */
    private static boolean approximateWolfe(double f0, double slope0, double fa, double slopeA) {
        return fa <= f0 + 1e-12 * Math.abs(f0) && (2 * ARMIJO_C1 - 1) * slope0 >= slopeA && slopeA >= 0.9 * slope0;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
