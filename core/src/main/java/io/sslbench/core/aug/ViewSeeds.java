package io.sslbench.core.aug;

import io.sslbench.core.util.Randoms;

import java.util.SplittableRandom;

/**
 * Seeds that make augmentation reproducible independently of thread scheduling: the random stream of
 * view {@code v} of image {@code i} in epoch {@code e} is a pure function of (seed, epoch, i, v), and the
 * epoch's sample order a pure function of (seed, epoch).
 *
 * <p>Mixing: each component passes through the SplitMix64 finaliser ({@code mix64}) with its own odd
 * offset and is folded into the running hash, {@code h = mix64(h ^ mix64(x_k + C_k))}, so flipping any bit
 * of any component changes about half the bits of the result.
 *
 * <p>// DEVIATION: PyTorch pipelines draw from torch's per-worker global generator, so their views depend
 * on worker scheduling; ours come from a {@link SplittableRandom} per (seed, epoch, image, view). The
 * distributions are the same, the individual draws are not.
 */
public final class ViewSeeds {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long C_EPOCH = 0xD1B54A32D192ED03L;
    private static final long C_INDEX = 0xAEF17502108EF2D9L;
    private static final long C_VIEW = 0xDB4F0B9175AE2165L;
    private static final long DOMAIN_VIEW = 0x5851F42D4C957F2DL;
    private static final long DOMAIN_ORDER = 0x14057B7EF767814FL;

    private ViewSeeds() {}

    /** SplitMix64's output function (Stafford's Mix13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @return the 64-bit seed of view {@code view} of image {@code index} in epoch {@code epoch}
     */
    public static long viewSeed(long seed, int epoch, int index, int view) {
        long h = mix64(seed ^ DOMAIN_VIEW) + GOLDEN;
        h = mix64(h ^ mix64(epoch + C_EPOCH));
        h = mix64(h ^ mix64(index + C_INDEX));
        h = mix64(h ^ mix64(view + C_VIEW));
        return h;
    }

    /** @return a fresh generator for view {@code view} of image {@code index} in epoch {@code epoch} */
    public static SplittableRandom forView(long seed, int epoch, int index, int view) {
        return new SplittableRandom(viewSeed(seed, epoch, index, view));
    }

    /**
     * The epoch's sample order: a Fisher-Yates shuffle of 0..n-1 driven by a generator seeded from
     * (seed, epoch) only.
     *
     * @return a permutation of {@code 0..n-1}
     */
    public static int[] permutation(long seed, int epoch, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation length must be >= 0, got " + n);
        }
        long h = mix64(seed ^ DOMAIN_ORDER) + GOLDEN;
        h = mix64(h ^ mix64(epoch + C_EPOCH));
        return Randoms.permutation(n, new SplittableRandom(h));
    }
}
