package io.sslbench.core.nn.bench;

import io.sslbench.core.nn.fast.ConvKernels;
import io.sslbench.core.nn.fast.DnnlConv;
import io.sslbench.core.runtime.Backend;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Per-shape timing of a convolution's backward pass: libnd4j's oneDNN {@code conv2d_bp} (input and weight gradient)
 * against oneDNN's primitives called directly ({@link DnnlConv}, forward and backward) and the Java/BLAS kernels of
 * {@link ConvKernels}, with libnd4j's forward for scale. The variants of one shape run
 * interleaved in one process (A B C A B C ...), each repeat timed separately; prints medians in ms of wall time and
 * of the process's CPU time (all threads: robust to other jobs on the machine, unlike wall time, but counting
 * spin-waiting), and the median over repeats of oneDNN's time over the variant's in the same repeat. Usage (after
 * {@code mvn -o -pl core compile} and {@code dependency:build-classpath} as for {@link BackboneBench}):
 * <pre>
 *   java -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp core/target/classes:$(cat /tmp/cp.txt) \
 *        io.sslbench.core.nn.bench.ConvBackwardBench [repeats] [N,Ci,Co,H,W,k,s,p ...]
 * </pre>
 */
public final class ConvBackwardBench {
    private ConvBackwardBench() {}

    /** Chunk sizes (bytes of one packed operand) to compare, from -Dchunks=a,b,... (default: the kernels' own). */
    private static final long[] CHUNKS = Arrays.stream(System.getProperty("chunks", String.valueOf(16L << 20)).split(","))
            .mapToLong(Long::parseLong).toArray();

    private static int[] iargs(int k, int s, int p) {
        return new int[]{k, k, s, s, p, p, 1, 1, 0, 0, 1};
    }

    public static void main(String[] args) {
        Backend.init();
        ConvKernels.setNd4jGemm(Boolean.FALSE); // the Java variants on OpenBLAS unless a variant says otherwise
        System.out.println("# " + Backend.describe());
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<int[]> shapes = new ArrayList<>();
        for (int a = 1; a < args.length; a++) {
            shapes.add(Arrays.stream(args[a].split(",")).mapToInt(Integer::parseInt).toArray());
        }
        if (shapes.isEmpty()) {
            shapes.addAll(List.of(new int[]{128, 3, 16, 32, 32, 3, 1, 1}, new int[]{128, 16, 16, 32, 32, 3, 1, 1},
                    new int[]{128, 32, 32, 16, 16, 3, 1, 1}, new int[]{128, 64, 64, 8, 8, 3, 1, 1}));
        }
        for (int[] sh : shapes) {
            run(sh, repeats);
        }
    }

    private static void run(int[] sh, int repeats) {
        int n = sh[0], ci = sh[1], co = sh[2], h = sh[3], w = sh[4], k = sh[5], s = sh[6], p = sh[7];
        int ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, ci, h, w), wt = Nd4j.randn(DataType.FLOAT, co, ci, k, k);
        INDArray dy = Nd4j.randn(DataType.FLOAT, n, co, ho, wo);
        INDArray dx = Nd4j.create(DataType.FLOAT, n, ci, h, w), dw = Nd4j.create(DataType.FLOAT, co, ci, k, k);
        INDArray y = Nd4j.create(DataType.FLOAT, n, co, ho, wo);
        INDArray dx2 = dx.dup(), dw2 = dw.dup(), dx3 = dx.dup();
        // W'[i, o, ky, kx] = W[o, i, k-1-ky, k-1-kx]: the input gradient as oneDNN's forward convolution of dy
        INDArray wFlip = Nd4j.create(DataType.FLOAT, ci, co, k, k);
        ConvKernels.flipTranspose(wt, wFlip);
        Map<String, Runnable> variants = new LinkedHashMap<>();
        List<Supplier<String>> checks = new ArrayList<>();
        variants.put("onednn_fwd", () -> Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, wt).addOutputs(y)
                .addIntegerArguments(iargs(k, s, p)).build()));
        variants.put("onednn_bp", () -> Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, wt, dy)
                .addOutputs(dx, dw).addIntegerArguments(iargs(k, s, p)).build()));
        // oneDNN's primitives called directly (the layers' default path), with their reorders from and to NCHW
        DnnlConv.Plan plan = DnnlConv.available()
                ? DnnlConv.plan(new DnnlConv.Shape(n, ci, h, w, co, k, k, s, s, p, p, true)) : null;
        INDArray yD = y.dup(), dxD = dx.dup(), dwD = dw.dup();
        if (plan != null) {
            System.out.println("# dnnl kernels: " + plan.forwardImpl + " / " + plan.backwardDataImpl + " / "
                    + plan.backwardWeightsImpl);
            variants.put("dnnl_fwd", () -> plan.forward(x, wt, yD));
            variants.put("dnnl_bp", () -> plan.backward(x, wt, dy, dwD, dxD));
            checks.add(() -> String.format(Locale.ROOT, " dnnl: y %.1e dx %.1e dW %.1e", rel(yD, y), rel(dxD, dx),
                    rel(dwD, dw)));
        }
        if (s == 1) {
            variants.put("java_dw+onednn_fwd_dx", () -> {
                ConvKernels.weightGradientStride1(x, dy, dw2, k, p);
                ConvKernels.flipTranspose(wt, wFlip);
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(dy, wFlip).addOutputs(dx3)
                        .addIntegerArguments(iargs(k, 1, k - 1 - p)).build());
            });
        }
        if (s == 1 && ci <= 4) {
            // a stem: the weight gradient alone, OpenBLAS on chunks against ND4J's gemm (oneDNN's matmul) on the whole
            // batch, the layer's kernel before issue 13
            variants.put("dw_cblas_chunked", () -> ConvKernels.weightGradientStrided(x, dy, dw2, k, s, p));
            variants.put("dw_nd4j_whole", () -> {
                ConvKernels.setNd4jGemm(Boolean.TRUE);
                ConvKernels.weightGradientStrided(x, dy, dw2, k, s, p, Long.MAX_VALUE);
                ConvKernels.setNd4jGemm(Boolean.FALSE);
            });
        }
        if (s == 1) {
            // both gradients as oneDNN forward convolutions: dx of dy with the flipped kernel; dW as the convolution of
            // x^T [Ci, N, H, W] with dy^T [Co, N, Ho, Wo] as a Ho x Wo kernel, giving dW^T [Ci, Co, k, k]
            INDArray xT = Nd4j.create(DataType.FLOAT, ci, n, h, w), dyT = Nd4j.create(DataType.FLOAT, co, n, ho, wo);
            INDArray dwT = Nd4j.create(DataType.FLOAT, ci, co, k, k), dw4 = dw.dup();
            variants.put("onednn_fwd_dx+fwd_dw", () -> {
                ConvKernels.flipTranspose(wt, wFlip);
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(dy, wFlip).addOutputs(dx3)
                        .addIntegerArguments(iargs(k, 1, k - 1 - p)).build());
                xT.assign(x.permute(1, 0, 2, 3));
                dyT.assign(dy.permute(1, 0, 2, 3));
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(xT, dyT).addOutputs(dwT)
                        .addIntegerArguments(new int[]{ho, wo, 1, 1, p, p, 1, 1, 0, 0, 1}).build());
                dw4.assign(dwT.permute(1, 0, 2, 3));
            });
            checks.add(() -> String.format(Locale.ROOT, " dW(fwd) %.1e", rel(dw4, dw)));
        }
        for (long chunk : CHUNKS) {
            variants.put("java@" + (chunk >> 10) + "k+nd4jgemm", () -> {
                ConvKernels.setNd4jGemm(Boolean.TRUE);
                ConvKernels.weightGradientStrided(x, dy, dw2, k, s, p, chunk);
                if (s == 1) {
                    ConvKernels.inputGradientStride1(dy, wt, dx2, k, p, chunk);
                } else {
                    ConvKernels.inputGradientStrided(dy, wt, dx2, k, s, p, chunk);
                }
                ConvKernels.setNd4jGemm(Boolean.FALSE);
            });
            variants.put("java@" + (chunk >> 10) + "k", () -> {
                ConvKernels.weightGradientStrided(x, dy, dw2, k, s, p, chunk);
                if (s == 1) {
                    ConvKernels.inputGradientStride1(dy, wt, dx2, k, p, chunk);
                } else {
                    ConvKernels.inputGradientStrided(dy, wt, dx2, k, s, p, chunk);
                }
            });
        }
        Map<String, double[]> ms = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        variants.keySet().forEach(v -> {
            ms.put(v, new double[repeats]);
            cpu.put(v, new double[repeats]);
        });
        for (int r = -2; r < repeats; r++) {
            for (Map.Entry<String, Runnable> v : variants.entrySet()) {
                long c0 = cpuNanos(), t0 = System.nanoTime();
                v.getValue().run();
                double t = (System.nanoTime() - t0) / 1e6, c = (cpuNanos() - c0) / 1e6;
                if (r >= 0) {
                    ms.get(v.getKey())[r] = t;
                    cpu.get(v.getKey())[r] = c;
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "N=%d %d->%d %dx%d k%d s%d p%d:", n, ci, co, h, w, k, s, p));
        ms.forEach((v, t) -> {
            double[] c = t.clone();
            Arrays.sort(c);
            double[] cc = cpu.get(v).clone();
            Arrays.sort(cc);
            sb.append(String.format(Locale.ROOT, "  %s %.2f [cpu %.1f]", v, c[c.length / 2], cc[cc.length / 2]));
            if (!v.equals("onednn_bp") && !v.equals("onednn_fwd")) {
                double[] base = ms.get("onednn_bp"), ratio = new double[c.length];
                for (int r = 0; r < c.length; r++) {
                    ratio[r] = base[r] / t[r]; // same repeat: adjacent in time
                }
                Arrays.sort(ratio);
                sb.append(String.format(Locale.ROOT, " (bp/this x%.2f)", ratio[ratio.length / 2]));
            }
        });
        sb.append(String.format(Locale.ROOT, "  | check dx %.1e dw %.1e", rel(dx2, dx), rel(dw2, dw)));
        if (s == 1) {
            sb.append(String.format(Locale.ROOT, " dx(fwd) %.1e", rel(dx3, dx)));
        }
        checks.forEach(c -> sb.append(c.get()));
        System.out.println(sb);
    }

    /** CPU time of all this process's threads so far (sum of /proc/self/task/N/schedstat), in ns. */
    static long cpuNanos() {
        long sum = 0;
        File[] tasks = new File("/proc/self/task").listFiles();
        for (File t : tasks == null ? new File[0] : tasks) {
            try {
                String line = Files.readString(t.toPath().resolve("schedstat"));
                sum += Long.parseLong(line.substring(0, line.indexOf(' ')));
            } catch (IOException | RuntimeException e) {
                // the thread ended between listing and reading
            }
        }
        return sum;
    }

    private static double rel(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / b.amaxNumber().doubleValue();
    }
}
