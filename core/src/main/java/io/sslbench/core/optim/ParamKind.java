package io.sslbench.core.optim;

/** What a parameter of a DL4J graph is, for the optimiser. Keys are DL4J's "layerName_paramName". */
public enum ParamKind {
    /** conv/linear weight: weight decay and LARS adaptation apply */
    WEIGHT,
    /** bias, BN gamma/beta: excluded from weight decay and LARS adaptation when configured (SimCLR/BYOL) */
    BIAS_OR_NORM,
    /** DL4J BatchNormalization running mean/var/log10stdev: its "gradient" is the running-average update */
    BN_RUNNING_STAT,
    /** running statistics maintained in the forward pass (custom BN layers): never touched */
    FORWARD_STAT;

    /** Classifies a DL4J param-table key. */
    public static ParamKind of(String key) {
        String p = key.substring(key.lastIndexOf('_') + 1);
        return switch (p) {
            case "mean", "var", "log10stdev" -> BN_RUNNING_STAT;
            case "rmean", "rvar" -> FORWARD_STAT;
            case "b", "gamma", "beta" -> BIAS_OR_NORM;
            default -> WEIGHT;
        };
    }
}
