package io.sslbench.core.nn.fast;

import io.sslbench.core.util.Buffers;

import org.bytedeco.javacpp.FloatPointer;
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
 * Backward pass of a stride-1 convolution (square kernel {@code k}, no dilation, symmetric zero padding
 * {@code p <= k - 1}, NCHW FLOAT) as BLAS products over shifted planes, a few images at a time.
 *
 * <p><b>Weight gradient.</b>
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
 * <p><b>Input gradient.</b> The transposed convolution is a stride-1 convolution of the output gradient padded by
 * {@code q = k - 1 - p}, with the kernel flipped and its channel axes swapped:
 * <pre>
 *   dx[n, i, y, x] = sum_{o, ky, kx} dypad[n, o, y + ky, x + kx] * W[o, i, k - 1 - ky, k - 1 - kx]
 * </pre>
 * i.e. {@code dx[Ci, H Wq] = W'[Ci, Co k k] . D[Co k k, H Wq]} per image ({@code Wq = Wo + 2q}, the {@code W}
 * valid columns of each row are kept), {@code D} built from {@code dy} as {@code X} is from {@code x}.
 *
 * <p>The operands of one chunk (a few images, sized to stay in the shared cache) are packed by the common
 * fork-join pool, one image per task; each product is one BLAS call using BLAS's own threads.
 */
public final class ConvKernels {
    private ConvKernels() {}

    /** Target size of one packed operand in bytes: chunks of images are sized so that it stays in cache. */
    static final long CHUNK_BYTES = Long.getLong("sslbench.conv.chunkBytes", 16L << 20);

    /** Reusable operands (grown on demand, outside any workspace); one per thread, shared by every layer. */
    static final class Scratch {
        private final INDArray[] flat = new INDArray[4];

        /** A dense c-order {@code [rows, columns]} matrix over the start of slot {@code slot}'s buffer. */
        INDArray matrix(int slot, long rows, long columns) {
            long length = rows * columns;
            if (flat[slot] == null || flat[slot].length() < length) {
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    flat[slot] = Nd4j.create(DataType.FLOAT, length);
                }
            }
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
     * (the library ND4J itself loads): {@code Nd4j.gemm} with a transposed operand measured 4-7x slower on these
     * shapes (e.g. [16, 8704] x [144, 8704]^T: 8-12 ms against 1.1 ms).
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
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f,
                pointer(a), (int) a.size(1), pointer(b), (int) b.size(1), beta, pointer(c), n);
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()); // already at the array's first element (see Buffers)
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
     * Whether the Java kernels beat oneDNN's {@code conv2d_bp} for the full backward pass (both gradients) of a
     * stride-1 {@code k x k} convolution with padding {@code p}, {@code ci -> co} channels on {@code h x w} inputs
     * (see {@code ConvBackwardBench} and package-info for the measurements).
     */
    static boolean pays(long n, long ci, long co, long h, long w, int k, int p) {
        return k == 3 && p == 1;
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
        long big = x.size(0) * (h + k) * (w + 2L * k) * Math.max(dy.size(1), x.size(1)) * k * k;
        if (big >= Integer.MAX_VALUE) {
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
    static void weightGradientStride1(INDArray x, INDArray dy, INDArray dw, int k, int p, long chunkBytes) {
        checkStride1(x, dy, k, p);
        int n = (int) x.size(0), ci = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3), co = (int) dy.size(1);
        int hp = h + 2 * p, wp = w + 2 * p, ho = hp - k + 1, wo = wp - k + 1;
        int plane = ho * wp, taps = ci * k * k;
        int per = chunk(n, 4L * taps * plane, chunkBytes);
        Scratch scratch = scratch();
        FloatBuffer xb = Buffers.floats(x), dyb = Buffers.floats(dy);
        INDArray dw2 = dw.reshape('c', co, taps);
        if (!Buffers.denseRowMajor(dw) || !sameStart(dw2, dw)) {
            throw new IllegalArgumentException("weight gradient must be dense in c order: " + dw.shapeInfoToString());
        }
        for (int s0 = 0; s0 < n; s0 += per) {
            int c = Math.min(per, n - s0), columns = c * plane, first = s0;
            INDArray g = scratch.matrix(0, co, columns), cols = scratch.matrix(1, taps, columns);
            FloatBuffer gb = Buffers.floats(g), cb = Buffers.floats(cols);
            IntStream.range(0, c).parallel().forEach(t -> {
                int s = first + t;
                // G[o, t plane + y wp + x]: the output gradient's rows, widened with zeros
                float[] row = new float[wp];
                for (int o = 0; o < co; o++) {
                    for (int y = 0; y < ho; y++) {
                        dyb.get(((s * co + o) * ho + y) * wo, row, 0, wo);
                        gb.put(o * columns + t * plane + y * wp, row, 0, wp);
                    }
                }
                shiftedPlanes(xb, s, ci, h, w, p, k, ho, cb, columns, t * plane, new float[hp * wp + k]);
            });
            gemm(g, false, cols, true, dw2, s0 == 0 ? 0f : 1f);
        }
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
    static void inputGradientStride1(INDArray dy, INDArray w, INDArray dx, int k, int p, long chunkBytes) {
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
}
