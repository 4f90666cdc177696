package io.sslbench.core.nn.fast;

import io.sslbench.core.util.Buffers;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Backward pass of a convolution (square kernel {@code k}, stride {@code s}, no dilation, symmetric zero padding
 * {@code p <= k - 1}, DL4J's Truncate output size, NCHW FLOAT) as BLAS products over shifted planes, a few images at a
 * time. {@link FastConvolutionLayer} uses it for a stem's weight gradient, and for full backward passes when
 * {@link #setPolicy policy} says so (by default not: oneDNN measured faster).
 *
 * <p><b>Weight gradient, stride 1.</b>
 * <pre>
 *   dW[o, i, ky, kx] = sum_n sum_{y, x} dy[n, o, y, x] * xpad[n, i, y + ky, x + kx]
 * </pre>
 * with {@code xpad} the input padded by {@code p} zeros on each side. With the output gradient's rows widened to the
 * padded width {@code Wp = W + 2p} (zeros beyond the {@code Wo} valid columns), output position {@code j = y Wp + x}
 * reads padded-input position {@code j + ky Wp + kx}, so the sum is a matrix product
 * {@code dW[Co, Ci k k] = G[Co, Ho Wp] . X[Ci k k, Ho Wp]^T} per image, where {@code G} holds the widened output
 * gradient and row {@code (i, ky, kx)} of {@code X} the padded input plane shifted by {@code ky Wp + kx}; the
 * images of a chunk sit side by side in the columns and the chunks accumulate ({@code beta = 1}).
 *
 * <p><b>Stride s.</b> Split the padded input into {@code s x s} phase planes, phase {@code (a, b)} holding
 * {@code xpad[s Y + a, s X + b]}: tap {@code (ky, kx)} of output {@code (y, x)} then reads phase
 * {@code (ky mod s, kx mod s)} at {@code (y + ky / s, x + kx / s)}, again a shifted plane ({@link Phases}). Rows of
 * {@code X} are contiguous copies from the phase planes; the product is the same.
 *
 * <p><b>Input gradient, stride 1.</b> The transposed convolution is a stride-1 convolution of the output gradient
 * padded by {@code q = k - 1 - p}, with the kernel flipped and its channel axes swapped:
 * <pre>
 *   dx[n, i, y, x] = sum_{o, ky, kx} dypad[n, o, y + ky, x + kx] * W[o, i, k - 1 - ky, k - 1 - kx]
 * </pre>
 * i.e. {@code dx[Ci, H Wq] = W'[Ci, Co k k] . D[Co k k, H Wq]} per image ({@code Wq = Wo + 2q}, the {@code W}
 * valid columns of each row are kept), {@code D} built from {@code dy} as {@code X} is from {@code x}.
 *
 * <p><b>Input gradient, stride s.</b> col2im: {@code C[Ci k k, .] = W[Co, Ci k k]^T . G[Co, .]}, each row of
 * {@code C} added into its tap's phase plane at its shift (contiguous adds), the phases interleaved back.
 *
 * <p>The operands of one chunk (images side by side, about {@link #CHUNK_BYTES} per operand) are packed by the
 * common fork-join pool, one image per task; each product is one {@code cblas_sgemm} call on BLAS's own threads, or
 * one {@code Nd4j.gemm} over the whole batch (see {@link #nd4jGemm()}).
 */
public final class ConvKernels {
    private ConvKernels() {}

    /** Target size of one packed operand in bytes: chunks of images are sized so that it stays in cache. */
    static final long CHUNK_BYTES = Long.getLong("sslbench.conv.chunkBytes", 16L << 20);

    /** Reusable operands (grown on demand, outside any workspace); one per thread, shared by every layer. */
    static final class Scratch {
        private final INDArray[] flat;

        /** @param slots how many independent buffers */
        Scratch(int slots) {
            flat = new INDArray[slots];
        }

        /**
         * {@code length} floats of slot {@code slot}'s buffer starting at an address that is a multiple of
         * {@code alignBytes} (a power of two, at least 4): oneDNN's Winograd kernels read their operands with aligned
         * vector loads, which fault on other addresses.
         */
        INDArray aligned(int slot, long length, int alignBytes) {
            INDArray buffer = ensure(slot, length + alignBytes / Float.BYTES);
            long address = buffer.data().addressPointer().address();
            if (address % Float.BYTES != 0) {
                throw new IllegalStateException("float buffer at an odd address " + address);
            }
            long skip = ((alignBytes - address % alignBytes) % alignBytes) / Float.BYTES;
            return buffer.get(NDArrayIndex.interval(skip, skip + length));
        }

        /** Slot {@code slot}'s whole buffer, grown (outside any workspace) to at least {@code length} floats. */
        private INDArray ensure(int slot, long length) {
            if (flat[slot] == null || flat[slot].length() < length) {
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    flat[slot] = Nd4j.create(DataType.FLOAT, length);
                }
            }
            return flat[slot];
        }

        /** A dense c-order {@code [rows, columns]} matrix over the start of slot {@code slot}'s buffer. */
        INDArray matrix(int slot, long rows, long columns) {
            long length = rows * columns;
            ensure(slot, length);
            INDArray m = (flat[slot].length() == length ? flat[slot] : flat[slot].get(NDArrayIndex.interval(0, length)))
                    .reshape('c', rows, columns);
            if (!Buffers.denseRowMajor(m) || !sameStart(m, flat[slot])) {
                throw new IllegalStateException("scratch view is not a dense prefix: " + m.shapeInfoToString());
            }
            return m;
        }
    }

    /** Whether {@code a} and {@code b} start at the same memory address (a view, not a copy). */
    static boolean sameStart(INDArray a, INDArray b) {
        return a.data().addressPointer().address() == b.data().addressPointer().address();
    }

    /**
     * {@code c = op(a) op(b) + beta c} for dense c-order FLOAT matrices, straight to OpenBLAS's {@code cblas_sgemm}
     * (JavaCPP's {@code openblas_nolapack}, which nd4j-native depends on): {@code Nd4j.gemm} (oneDNN's matmul here)
     * with a transposed operand measured 4-7x slower on these shapes (e.g. [16, 8704] x [144, 8704]^T: 8-12 ms
     * against 1.1 ms). OpenBLAS runs its own threads, which compete with oneDNN's OpenMP threads while those spin
     * after an op (a profile of the SimCLR step showed the caller yielding in {@code exec_blas} for most of it).
     */
    static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, float beta) {
        int m = (int) c.size(0), n = (int) c.size(1), k = (int) (transA ? a.size(0) : a.size(1));
        if (!Buffers.denseRowMajor(a) || !Buffers.denseRowMajor(b) || !Buffers.denseRowMajor(c)
                || a.dataType() != DataType.FLOAT || b.dataType() != DataType.FLOAT || c.dataType() != DataType.FLOAT
                || (transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(0) : b.size(1)) != n
                || (transB ? b.size(1) : b.size(0)) != k) {
            throw new IllegalArgumentException("gemm operands: " + a.shapeInfoToString() + (transA ? "^T" : "") + " x "
                    + b.shapeInfoToString() + (transB ? "^T" : "") + " -> " + c.shapeInfoToString());
        }
        if (nd4jGemm()) {
            Nd4j.gemm(a, b, c, transA, transB, 1.0, beta);
            return;
        }
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f,
                Buffers.pointer(a), (int) a.size(1), Buffers.pointer(b), (int) b.size(1), beta, Buffers.pointer(c), n);
    }

    private static volatile Boolean nd4jGemm;

    /**
     * Whether {@link #gemm} goes through {@code Nd4j.gemm} (oneDNN's matmul here, on ND4J's OpenMP threads) instead of
     * OpenBLAS, with the default-chunked weight gradient then one product over the whole batch (the stem's kernel
     * before issue 13). By default the {@link #policy()} decides: ND4J for {@code onednn} (in one small-cifar step
     * the two routes for the stem measured the same, 377 against 387 ms with passive OpenMP threads, and this keeps
     * OpenBLAS's own thread pool out of the process), OpenBLAS for {@code java}.
     */
    static boolean nd4jGemm() {
        Boolean forced = nd4jGemm;
        return forced != null ? forced : !policy.equals("java");
    }

    /** For benchmarks: forces {@link #nd4jGemm()} ({@code null} = follow the policy). */
    public static void setNd4jGemm(Boolean on) {
        nd4jGemm = on;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(4));

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** Images per chunk so that a packed operand of {@code bytesPerImage} per image stays near {@code chunkBytes}. */
    static int chunk(int n, long bytesPerImage, long chunkBytes) {
        int c = (int) Math.max(1, Math.min(n, chunkBytes / Math.max(1, bytesPerImage)));
        int chunks = (n + c - 1) / c;
        return (n + chunks - 1) / chunks; // equal chunks, the last at most one image shorter
    }

    /**
     * Which code runs the layers' convolutions, {@code -Dsslbench.conv=dnnl|onednn|java}:
     * <ul>
     *   <li>{@code dnnl} (the default): forward and both gradients through oneDNN's primitives called directly
     *       ({@link DnnlConv}), where the preset loads; elsewhere as {@code onednn}.</li>
     *   <li>{@code onednn}: libnd4j's {@code conv2d}/{@code conv2d_bp} through DL4J's helper (the default before issue
     *       13's second round; a stem's weight gradient on these kernels, its product through ND4J's gemm).</li>
     *   <li>{@code java}: the helper's forward, both gradients on these kernels. Measured on the 2-core build machine
     *       (package-info): with OpenMP threads waiting passively slower than {@code conv2d_bp} on every CIFAR shape;
     *       they won only while oneDNN's spinning OpenMP threads fought other jobs for the cores.</li>
     * </ul>
     */
    private static volatile String policy = policy(System.getProperty("sslbench.conv", "dnnl"));

    private static String policy(String p) {
        return Dnnl.choice("sslbench.conv", p, "dnnl", "onednn", "java");
    }

    /** @return the current policy: dnnl, onednn or java */
    public static String policy() {
        return policy;
    }

    /**
     * Switches the policy for the layers' next passes (benchmarks and tests compare them in one process).
     *
     * @param p dnnl, onednn or java
     */
    public static void setPolicy(String p) {
        policy = policy(p);
    }

    /** Whether a convolution the kernels handle runs its full backward pass on them (see {@link #policy()}). */
    static boolean fullBackward() {
        return policy.equals("java");
    }

    /** Whether convolutions go through {@link DnnlConv} where it is available (see {@link #policy()}). */
    static boolean direct() {
        return policy.equals("dnnl");
    }

    /**
     * Whether a convolution's arrays stay within the kernels' int indexing: the input and output (with their padded
     * and widened planes) below 2^31 elements, and so one image's packed operand.
     */
    static boolean fits(long n, long ci, long co, long h, long w, int k, int s, int p) {
        long planes = (h + 2L * p + s + k) * (w + 2L * p + s + k), channels = Math.max(ci, co);
        return n * channels * planes < Integer.MAX_VALUE && channels * k * k * planes < Integer.MAX_VALUE;
    }

    private static void checkStride1(INDArray x, INDArray dy, int k, int p) {
        if (!Buffers.denseRowMajor(x) || !Buffers.denseRowMajor(dy) || x.dataType() != DataType.FLOAT
                || dy.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected dense c-order FLOAT arrays: " + x.shapeInfoToString() + ", "
                    + dy.shapeInfoToString());
        }
        long h = x.size(2), w = x.size(3);
        if (x.rank() != 4 || dy.rank() != 4 || dy.size(0) != x.size(0) || p < 0 || p > k - 1
                || dy.size(2) != h + 2 * p - k + 1 || dy.size(3) != w + 2 * p - k + 1) {
            throw new IllegalArgumentException("output gradient " + Arrays.toString(dy.shape())
                    + " does not match a stride-1 " + k + "x" + k + " convolution with padding " + p + " of "
                    + Arrays.toString(x.shape()));
        }
        if (!fits(x.size(0), x.size(1), dy.size(1), h, w, k, 1, p)) {
            throw new IllegalArgumentException("convolution too large for the Java kernels: " + Arrays.toString(x.shape())
                    + " with " + dy.size(1) + " outputs");
        }
    }

    /**
     * Writes row {@code (c, ky, kx)} of a shifted-plane matrix for every channel {@code c} of image {@code s}:
     * {@code m[(c k + ky) k + kx, col0 + j] = apad[s, c][j + ky wp + kx]} for {@code j < rows wp}, where
     * {@code apad} is {@code a}'s {@code [hIn, wIn]} planes padded by {@code pad} zeros on each side (width {@code wp}).
     */
    private static void shiftedPlanes(FloatBuffer a, int s, int channels, int hIn, int wIn, int pad, int k, int rows,
                                      FloatBuffer m, int columns, int col0, float[] padded) {
        int wp = wIn + 2 * pad, plane = rows * wp;
        Arrays.fill(padded, 0f);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < hIn; y++) {
                a.get(((s * channels + c) * hIn + y) * wIn, padded, (y + pad) * wp + pad, wIn);
            }
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    m.put(((c * k + ky) * k + kx) * columns + col0, padded, ky * wp + kx, plane);
                }
            }
        }
    }

    /**
     * Weight gradient of a stride-1 convolution (see the class comment).
     *
     * @param x  input {@code [N, Ci, H, W]}, FLOAT, dense
     * @param dy gradient at the output {@code [N, Co, Ho, Wo]}, FLOAT, dense, {@code Ho = H + 2p - k + 1}
     * @param dw out: {@code [Co, Ci, k, k]}, FLOAT, dense, overwritten
     * @param k  kernel size
     * @param p  padding on each side, {@code 0 <= p <= k - 1}
     */
    public static void weightGradientStride1(INDArray x, INDArray dy, INDArray dw, int k, int p) {
        weightGradientStride1(x, dy, dw, k, p, CHUNK_BYTES);
    }

    /** As {@link #weightGradientStride1(INDArray, INDArray, INDArray, int, int)}, chunks near {@code chunkBytes}. */
    public static void weightGradientStride1(INDArray x, INDArray dy, INDArray dw, int k, int p, long chunkBytes) {
        checkStride1(x, dy, k, p);
        weightGradientStrided(x, dy, dw, k, 1, p, chunkBytes);
    }

    /**
     * {@code out[i, (o, ky, kx)] = w[o, i, k-1-ky, k-1-kx]}: the kernel of the transposed convolution.
     *
     * @param w   {@code [Co, Ci, k, k]}, FLOAT, dense
     * @param out {@code Ci * Co * k * k} elements, FLOAT, dense, overwritten (e.g. {@code [Ci, Co, k, k]})
     */
    public static void flipTranspose(INDArray w, INDArray out) {
        int co = (int) w.size(0), ci = (int) w.size(1), k = (int) w.size(2), taps = co * k * k;
        if (w.rank() != 4 || w.size(3) != k || out.length() != w.length() || !Buffers.denseRowMajor(w)
                || !Buffers.denseRowMajor(out)) {
            throw new IllegalArgumentException("expected a square kernel and an output of its size: "
                    + Arrays.toString(w.shape()) + ", " + Arrays.toString(out.shape()));
        }
        FloatBuffer wb = Buffers.floats(w), ob = Buffers.floats(out);
        for (int o = 0; o < co; o++) {
            for (int i = 0; i < ci; i++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        ob.put(i * taps + (o * k + ky) * k + kx, wb.get(((o * ci + i) * k + k - 1 - ky) * k + k - 1 - kx));
                    }
                }
            }
        }
    }

    /**
     * Input gradient of a stride-1 convolution (see the class comment).
     *
     * @param dy gradient at the output {@code [N, Co, Ho, Wo]}, FLOAT, dense
     * @param w  weights {@code [Co, Ci, k, k]}, FLOAT, dense
     * @param dx out: {@code [N, Ci, H, W]}, FLOAT, dense c order, overwritten, {@code Ho = H + 2p - k + 1}
     * @param k  kernel size
     * @param p  padding on each side, {@code 0 <= p <= k - 1}
     */
    public static void inputGradientStride1(INDArray dy, INDArray w, INDArray dx, int k, int p) {
        inputGradientStride1(dy, w, dx, k, p, CHUNK_BYTES);
    }

    /** As {@link #inputGradientStride1(INDArray, INDArray, INDArray, int, int)}, chunks near {@code chunkBytes}. */
    public static void inputGradientStride1(INDArray dy, INDArray w, INDArray dx, int k, int p, long chunkBytes) {
        checkStride1(dx, dy, k, p);
        if (w.rank() != 4 || w.size(0) != dy.size(1) || w.size(1) != dx.size(1) || w.size(2) != k) {
            throw new IllegalArgumentException("weights " + Arrays.toString(w.shape()) + " do not map "
                    + Arrays.toString(dx.shape()) + " to " + Arrays.toString(dy.shape()) + " with a " + k + "x" + k + " kernel");
        }
        int n = (int) dx.size(0), ci = (int) dx.size(1), h = (int) dx.size(2), wd = (int) dx.size(3);
        int co = (int) dy.size(1), ho = (int) dy.size(2), wo = (int) dy.size(3);
        int q = k - 1 - p, hq = ho + 2 * q, wq = wo + 2 * q, plane = h * wq, taps = co * k * k;
        Scratch scratch = scratch();
        // W'[i, (o, ky, kx)] = W[o, i, k-1-ky, k-1-kx]
        INDArray wt = scratch.matrix(2, ci, taps);
        flipTranspose(w, wt);
        int per = chunk(n, 4L * taps * plane, chunkBytes);
        FloatBuffer dyb = Buffers.floats(dy), dxb = Buffers.floats(dx);
        for (int s0 = 0; s0 < n; s0 += per) {
            int c = Math.min(per, n - s0), columns = c * plane, first = s0;
            INDArray cols = scratch.matrix(1, taps, columns), out = scratch.matrix(3, ci, columns);
            FloatBuffer cb = Buffers.floats(cols);
            IntStream.range(0, c).parallel().forEach(t ->
                    shiftedPlanes(dyb, first + t, co, ho, wo, q, k, h, cb, columns, t * plane, new float[hq * wq + k]));
            gemm(wt, false, cols, false, out, 0f);
            FloatBuffer ob = Buffers.floats(out);
            IntStream.range(0, c).parallel().forEach(t -> {
                int s = first + t;
                float[] row = new float[wd];
                for (int i = 0; i < ci; i++) {
                    for (int y = 0; y < h; y++) {
                        ob.get(i * columns + t * plane + y * wq, row, 0, wd);
                        dxb.put(((s * ci + i) * h + y) * wd, row, 0, wd);
                    }
                }
            });
        }
    }

    private static void checkStrided(INDArray x, INDArray dy, int k, int s, int p) {
        if (!Buffers.denseRowMajor(x) || !Buffers.denseRowMajor(dy) || x.dataType() != DataType.FLOAT
                || dy.dataType() != DataType.FLOAT || x.rank() != 4 || dy.rank() != 4) {
            throw new IllegalArgumentException("expected dense c-order 4d FLOAT arrays: " + x.shapeInfoToString() + ", "
                    + dy.shapeInfoToString());
        }
        long h = x.size(2), w = x.size(3);
        if (s < 1 || p < 0 || p > k - 1 || h + 2 * p < k || w + 2 * p < k || dy.size(0) != x.size(0)
                || dy.size(2) != (h + 2 * p - k) / s + 1 || dy.size(3) != (w + 2 * p - k) / s + 1) {
            throw new IllegalArgumentException("output gradient " + Arrays.toString(dy.shape()) + " does not match a "
                    + k + "x" + k + " convolution with stride " + s + " and padding " + p + " of " + Arrays.toString(x.shape()));
        }
        if (!fits(x.size(0), x.size(1), dy.size(1), h, w, k, s, p)) {
            throw new IllegalArgumentException("convolution too large for the Java kernels: " + Arrays.toString(x.shape())
                    + " with " + dy.size(1) + " outputs");
        }
    }

    /** {@code g[o, col0 + j] = dy[s, o, j]} for the {@code plane} output positions {@code j} of image {@code s}. */
    private static void channelMajor(FloatBuffer dy, int s, int co, int plane, FloatBuffer g, int columns, int col0,
                                     float[] row) {
        for (int o = 0; o < co; o++) {
            dy.get((s * co + o) * plane, row, 0, plane);
            g.put(o * columns + col0, row, 0, plane);
        }
    }

    /**
     * Geometry of a {@code k x k}, stride-{@code s} convolution on the polyphase split of the padded input: phase
     * {@code (a, b)} holds {@code xpad[s Y + a, s X + b]} as a {@code [hph, wph]} plane. Tap {@code (ky, kx)} of
     * output {@code (y, x)} reads {@code xpad[s y + ky, s x + kx]}, i.e. phase {@code (ky mod s, kx mod s)} at
     * {@code (y + ky / s, x + kx / s)}: with output rows widened to {@code wph} columns (position
     * {@code j = y wph + x}) every tap reads its phase plane shifted by {@code (ky / s) wph + kx / s}, a contiguous
     * copy. Stride 1 has one phase, the padded plane itself.
     */
    private record Phases(int s, int k, int p, int h, int w, int ho, int wo) {
        int hp() { return h + 2 * p; }
        int wp() { return w + 2 * p; }
        int hph() { return (hp() + s - 1) / s; }
        int wph() { return (wp() + s - 1) / s; }
        /** Widened output plane: {@code ho} rows of {@code wph}. */
        int plane() { return ho * wph(); }
        /** One phase plane with slack for the widened columns' reads past its end. */
        int phaseSize() { return hph() * wph() + wph() + k; }
        int phaseOf(int ky, int kx) { return (ky % s) * s + kx % s; }
        int shift(int ky, int kx) { return (ky / s) * wph() + kx / s; }
    }

    /**
     * {@code g[o, col0 + y wph + x] = dy[img, o, y, x]} for {@code x < wo}, zero for the widened columns up to
     * {@code wph}: image {@code img}'s output gradient, channel-major, rows widened.
     */
    private static void widened(FloatBuffer dy, int img, int co, Phases geo, FloatBuffer g, int columns, int col0) {
        int ho = geo.ho(), wo = geo.wo(), wph = geo.wph(), plane = ho * wo;
        float[] src = new float[co * plane], dst = new float[geo.plane()];
        dy.get(img * co * plane, src, 0, src.length);
        for (int o = 0; o < co; o++) {
            for (int y = 0; y < ho; y++) {
                System.arraycopy(src, o * plane + y * wo, dst, y * wph, wo);
            }
            g.put(o * columns + col0, dst, 0, dst.length);
        }
    }

    /** Splits channel plane {@code src[off ..]} ({@code [h, w]}) padded by {@code p} into {@code s * s} phase planes. */
    private static void splitPhases(float[] src, Phases g, float[] phases) {
        int s = g.s(), p = g.p(), w = g.w(), wph = g.wph(), size = g.phaseSize();
        Arrays.fill(phases, 0f);
        for (int y = 0; y < g.h(); y++) {
            int py = y + p, base = ((py % s) * s) * size + (py / s) * wph, row = y * w;
            if (s == 1) {
                System.arraycopy(src, row, phases, base + p, w);
                continue;
            }
            for (int b = 0; b < s; b++) { // padded column s X + b = input column x + p
                int to = base + b * size, xx = b - p, xcol = 0;
                for (; xx < 0; xx += s) {
                    xcol++;
                }
                for (; xx < w; xx += s) {
                    phases[to + xcol++] = src[row + xx];
                }
            }
        }
    }

    /** The inverse of {@link #splitPhases} for the {@code [h, w]} interior: {@code dst[off + y w + x] = xpad[y + p, x + p]}. */
    private static void mergePhases(float[] phases, Phases g, float[] dst, int off) {
        int s = g.s(), p = g.p(), w = g.w(), wph = g.wph(), size = g.phaseSize();
        for (int y = 0; y < g.h(); y++) {
            int py = y + p, base = ((py % s) * s) * size + (py / s) * wph, row = off + y * w;
            if (s == 1) {
                System.arraycopy(phases, base + p, dst, row, w);
                continue;
            }
            for (int b = 0; b < s; b++) {
                int from = base + b * size, xx = b - p, xcol = 0;
                for (; xx < 0; xx += s) {
                    xcol++;
                }
                for (; xx < w; xx += s) {
                    dst[row + xx] = phases[from + xcol++];
                }
            }
        }
    }

    /**
     * Weight gradient of a {@code k x k} convolution with stride {@code s} (no dilation, symmetric zero padding
     * {@code p <= k - 1}, DL4J's Truncate output size {@code Ho = (H + 2p - k) / s + 1}):
     * {@code dW[Co, Ci k k] = G[Co, .] . X[Ci k k, .]^T} over the polyphase layout of {@link Phases} (the stride-1
     * product of the class comment, per phase), a chunk of images side by side in the columns.
     *
     * @param x  input {@code [N, Ci, H, W]}, FLOAT, dense c order
     * @param dy gradient at the output {@code [N, Co, Ho, Wo]}, FLOAT, dense c order
     * @param dw out: {@code [Co, Ci, k, k]}, FLOAT, dense c order, overwritten
     */
    public static void weightGradientStrided(INDArray x, INDArray dy, INDArray dw, int k, int s, int p) {
        // through ND4J's gemm: one product over the whole batch, as before issue 13
        weightGradientStrided(x, dy, dw, k, s, p, nd4jGemm() ? Long.MAX_VALUE : CHUNK_BYTES);
    }

    public static void weightGradientStrided(INDArray x, INDArray dy, INDArray dw, int k, int s, int p, long chunkBytes) {
        checkStrided(x, dy, k, s, p);
        int n = (int) x.size(0), ci = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3), co = (int) dy.size(1);
        Phases geo = new Phases(s, k, p, h, w, (int) dy.size(2), (int) dy.size(3));
        int ho = geo.ho(), wo = geo.wo(), wph = geo.wph(), plane = geo.plane(), size = geo.phaseSize(), taps = ci * k * k;
        INDArray dw2 = dw.reshape('c', co, taps);
        if (!Buffers.denseRowMajor(dw) || !sameStart(dw2, dw) || dw.length() != (long) co * taps) {
            throw new IllegalArgumentException("weight gradient must be dense [Co, Ci, k, k]: " + dw.shapeInfoToString());
        }
        int per = chunk(n, 4L * taps * plane, chunkBytes);
        Scratch scratch = scratch();
        FloatBuffer xb = Buffers.floats(x), dyb = Buffers.floats(dy);
        for (int s0 = 0; s0 < n; s0 += per) {
            int c = Math.min(per, n - s0), columns = c * plane, first = s0;
            INDArray g = scratch.matrix(0, co, columns), cols = scratch.matrix(1, taps, columns);
            FloatBuffer gb = Buffers.floats(g), cb = Buffers.floats(cols);
            IntStream.range(0, c).parallel().forEach(t -> {
                int img = first + t;
                widened(dyb, img, co, geo, gb, columns, t * plane);
                float[] src = new float[h * w], phases = new float[s * s * size];
                for (int i = 0; i < ci; i++) {
                    xb.get((img * ci + i) * h * w, src, 0, h * w);
                    splitPhases(src, geo, phases);
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            cb.put(((i * k + ky) * k + kx) * columns + t * plane, phases,
                                    geo.phaseOf(ky, kx) * size + geo.shift(ky, kx), plane);
                        }
                    }
                }
            });
            gemm(g, false, cols, true, dw2, s0 == 0 ? 0f : 1f);
        }
    }

    /**
     * Input gradient of a {@code k x k} convolution with stride {@code s} (as {@link #weightGradientStrided}), by
     * col2im over the polyphase layout: {@code C[Ci k k, .] = W[Co, Ci k k]^T . G[Co, .]} ({@code G} the widened
     * output gradient), row {@code (i, ky, kx)} of {@code C} added into phase plane {@code (ky mod s, kx mod s)} of
     * channel {@code i} at its tap's shift (contiguous), then the phases interleaved back and cropped to
     * {@code [H, W]} (input pixels no window reads get zero).
     *
     * @param dy gradient at the output {@code [N, Co, Ho, Wo]}, FLOAT, dense c order
     * @param w  weights {@code [Co, Ci, k, k]}, FLOAT, dense c order
     * @param dx out: {@code [N, Ci, H, W]}, FLOAT, dense c order, overwritten
     */
    public static void inputGradientStrided(INDArray dy, INDArray w, INDArray dx, int k, int s, int p) {
        inputGradientStrided(dy, w, dx, k, s, p, CHUNK_BYTES);
    }

    public static void inputGradientStrided(INDArray dy, INDArray w, INDArray dx, int k, int s, int p, long chunkBytes) {
        checkStrided(dx, dy, k, s, p);
        int n = (int) dx.size(0), ci = (int) dx.size(1), h = (int) dx.size(2), wd = (int) dx.size(3), co = (int) dy.size(1);
        if (w.rank() != 4 || w.size(0) != co || w.size(1) != ci || w.size(2) != k || w.size(3) != k
                || !Buffers.denseRowMajor(w) || w.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("weights " + w.shapeInfoToString() + " do not map "
                    + Arrays.toString(dx.shape()) + " to " + Arrays.toString(dy.shape()) + " with a " + k + "x" + k + " kernel");
        }
        Phases geo = new Phases(s, k, p, h, wd, (int) dy.size(2), (int) dy.size(3));
        int ho = geo.ho(), wo = geo.wo(), wph = geo.wph(), plane = geo.plane(), size = geo.phaseSize(), taps = ci * k * k;
        INDArray wm = w.reshape('c', co, taps);
        int per = chunk(n, 4L * taps * plane, chunkBytes);
        Scratch scratch = scratch();
        FloatBuffer dyb = Buffers.floats(dy), dxb = Buffers.floats(dx);
        for (int s0 = 0; s0 < n; s0 += per) {
            int c = Math.min(per, n - s0), columns = c * plane, first = s0;
            INDArray g = scratch.matrix(0, co, columns), cm = scratch.matrix(1, taps, columns);
            FloatBuffer gb = Buffers.floats(g), cb = Buffers.floats(cm);
            IntStream.range(0, c).parallel().forEach(t -> widened(dyb, first + t, co, geo, gb, columns, t * plane));
            gemm(wm, true, g, false, cm, 0f);
            IntStream.range(0, c).parallel().forEach(t -> {
                int img = first + t;
                float[] row = new float[plane], phases = new float[s * s * size], out = new float[ci * h * wd];
                for (int i = 0; i < ci; i++) {
                    Arrays.fill(phases, 0f);
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            cb.get(((i * k + ky) * k + kx) * columns + t * plane, row, 0, plane);
                            int to = geo.phaseOf(ky, kx) * size + geo.shift(ky, kx);
                            for (int j = 0; j < plane; j++) {
                                phases[to + j] += row[j];
                            }
                        }
                    }
                    mergePhases(phases, geo, out, i * h * wd);
                }
                dxb.put(img * ci * h * wd, out, 0, out.length);
            });
        }
    }
}
