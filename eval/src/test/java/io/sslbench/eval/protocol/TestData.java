package io.sslbench.eval.protocol;

import io.sslbench.core.data.ImageDataset;
import io.sslbench.core.util.Hashing;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Test fixtures: tiny encoders, a few real CIFAR-10 images, synthetic images. */
final class TestData {
    private TestData() {}

    static final float[] CIFAR_MEAN = {0.4914f, 0.4822f, 0.4465f};
    static final float[] CIFAR_STD = {0.2470f, 0.2435f, 0.2616f};

    static Path shared() {
        String p = System.getProperty("sslbench.shared");
        Path path = p == null ? Path.of("/work/shared") : Path.of(p);
        return Files.isDirectory(path.resolve("datasets")) ? path : Path.of("/work/shared");
    }

    /**
     * The first {@code perClass} images of each named class of the CIFAR-10 JPEG split, labels = position in
     * {@code classes}.
     */
    static ImageDataset cifar(String split, List<String> classes, int perClass) {
        Path root = shared().resolve("datasets/cifar10-jpg").resolve(split);
        int n = classes.size() * perClass;
        byte[] px = new byte[n * 32 * 32 * 3];
        int[] labels = new int[n];
        int i = 0;
        for (int c = 0; c < classes.size(); c++) {
            for (int j = 0; j < perClass; j++, i++) {
                Path f = root.resolve(classes.get(c)).resolve(String.format(java.util.Locale.ROOT, "%04d.jpg", j));
                BufferedImage img;
                try {
                    img = ImageIO.read(f.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + f, e);
                }
                if (img == null || img.getWidth() != 32 || img.getHeight() != 32) {
                    throw new IllegalStateException(f + ": not a 32x32 image");
                }
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int rgb = img.getRGB(x, y);
                        int o = ((i * 32 + y) * 32 + x) * 3;
                        px[o] = (byte) (rgb >> 16);
                        px[o + 1] = (byte) (rgb >> 8);
                        px[o + 2] = (byte) rgb;
                    }
                }
                labels[i] = c;
            }
        }
        return new ImageDataset("cifar10-jpg/" + split + classes + "x" + perClass, 32, 32, 3, px, labels, classes,
                Hashing.sha256Hex(px));
    }

    /**
     * Synthetic images: class c has mean colour {@code palette[c]} plus uniform noise of +-{@code noise}.
     */
    static ImageDataset colourBlobs(int perClass, int size, int[][] palette, int noise, long seed) {
        Random rnd = new Random(seed);
        int n = perClass * palette.length;
        byte[] px = new byte[n * size * size * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % palette.length;
            labels[i] = c;
            for (int p = 0; p < size * size; p++) {
                for (int ch = 0; ch < 3; ch++) {
                    int v = palette[c][ch] + rnd.nextInt(2 * noise + 1) - noise;
                    px[(i * size * size + p) * 3 + ch] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        List<String> names = java.util.stream.IntStream.range(0, palette.length).mapToObj(c -> "c" + c).toList();
        return new ImageDataset("blobs" + seed, size, size, 3, px, labels, names, Hashing.sha256Hex(px));
    }

    /** conv3x3(no bias) -> BN -> ReLU -> global average pool, input "in", output "gap" ([B, width]). */
    static ComputationGraph tinyEncoder(int height, int width, int channels, int featureDim, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Sgd(0.1)).weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(height, width, channels))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(featureDim).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "bn")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .setOutputs("gap")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }
}
