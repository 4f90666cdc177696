package io.sslbench.example;

import io.sslbench.core.config.Records;
import io.sslbench.core.nn.ZeroInitResidual;

import java.util.Map;

import static io.sslbench.core.config.ConfigException.check;

/**
 * The method's parameters (official code's defaults: {@code --align_w 1 --unif_w 1 --align_alpha 2 --unif_t 2}).
 *
 * @param alignWeight      weight of the alignment term
 * @param uniformWeight    weight of the uniformity term
 * @param alpha            exponent of the alignment distance
 * @param t                temperature of the uniformity kernel
 * @param hidden           hidden width of the 2-layer projection MLP
 * @param dim              output width
 * @param excludeBnBias    exclude biases and BN parameters from weight decay
 * @param zeroInitResidual residual blocks whose last BN gamma starts at 0
 */
public record AlignUniformConfig(String name, double alignWeight, double uniformWeight, double alpha, double t,
                                 int hidden, int dim, boolean excludeBnBias, String zeroInitResidual) {
    public AlignUniformConfig {
        check(alignWeight >= 0 && Double.isFinite(alignWeight), "method.alignWeight", "finite and >= 0", alignWeight);
        check(uniformWeight >= 0 && Double.isFinite(uniformWeight), "method.uniformWeight", "finite and >= 0",
                uniformWeight);
        check(alpha > 0 && Double.isFinite(alpha), "method.alpha", "finite and > 0", alpha);
        check(t > 0 && Double.isFinite(t), "method.t", "finite and > 0", t);
        check(hidden >= 1, "method.hidden", ">= 1", hidden);
        check(dim >= 1, "method.dim", ">= 1", dim);
        check(ZeroInitResidual.tokens().contains(zeroInitResidual), "method.zeroInitResidual",
                "one of " + ZeroInitResidual.tokens(), zeroInitResidual);
    }

    /** The paper's loss; a 512-128 projection head (the paper's encoders end in a 128-wide layer). */
    public static AlignUniformConfig paper() {
        return new AlignUniformConfig("align-uniform", 1, 1, 2, 2, 512, 128, false, "none");
    }

    static AlignUniformConfig bind(Map<String, Object> section) {
        return Records.bind(AlignUniformConfig.class, section, paper(), "method");
    }
}
