package io.sslbench.core.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which residual blocks start with the scale (gamma) of their last BatchNorm at 0, so that each such block starts as
 * the identity of its shortcut (Goyal et al. 2017). Config value: the lower-case {@link #token()}.
 */
public enum ZeroInitResidual {
    /** Every gamma starts at 1: torchvision's default ({@code zero_init_residual=False}, MoCo v1/v2, SwAV). */
    NONE("none"),
    /**
     * The last BN of every block, basic or bottleneck: torchvision's {@code zero_init_residual=True} (SimSiam's
     * {@code builder.py}) and SimCLR's {@code resnet.py} ({@code init_zero=True} in both block kinds).
     */
    ALL("all"),
    /**
     * The last BN of bottleneck blocks only: Haiku's {@code BlockV1} ({@code scale_init=jnp.zeros} on
     * {@code batchnorm_2}, which only bottleneck blocks have), as BYOL's {@code networks.py} uses it; basic blocks
     * (ResNet-18/34) keep gamma 1.
     */
    BOTTLENECK("bottleneck");

    private final String token;

    ZeroInitResidual(String token) {
        this.token = token;
    }

    /** @return the config value */
    public String token() {
        return token;
    }

    /** @return whether the last BN of a block of kind {@code block} starts at gamma 0 */
    public boolean zeroes(BackboneSpec.Block block) {
        return this == ALL || (this == BOTTLENECK && block == BackboneSpec.Block.BOTTLENECK);
    }

    /** @return the config values, for messages */
    public static List<String> tokens() {
        return Arrays.stream(values()).map(ZeroInitResidual::token).toList();
    }

    /**
     * @param token a config value ({@link #tokens()})
     * @throws IllegalArgumentException naming the valid values
     */
    public static ZeroInitResidual parse(String token) {
        for (ZeroInitResidual z : values()) {
            if (z.token.equals(token == null ? null : token.toLowerCase(Locale.ROOT))) {
                return z;
            }
        }
        throw new IllegalArgumentException("unknown zeroInitResidual '" + token + "': one of " + tokens());
    }
}
