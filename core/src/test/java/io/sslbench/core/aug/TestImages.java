package io.sslbench.core.aug;

import io.sslbench.core.data.ImageDataset;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Test fixtures: synthetic uint8 images and a few decoded CIFAR-10 JPEGs. */
final class TestImages {
    private TestImages() {}

    static Path shared() {
        return Path.of(System.getProperty("sslbench.shared", "/work/shared"));
    }

    /** @return an image whose samples are k/255 for random k (so uint8 references apply exactly) */
    static FloatImage random(int h, int w, int c, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[h * w * c];
        r.nextBytes(b);
        return FloatImage.fromBytes(b, 0, h, w, c);
    }

    /** @return n random 'h x w x 3' images, label i % 10 */
    static ImageDataset randomDataset(int n, int h, int w, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[n * h * w * 3];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            names.add("c" + k);
        }
        return new ImageDataset("synthetic" + n, h, w, 3, px, labels, names, "00");
    }

    /** Decodes the first {@code perClass} JPEGs of the first {@code classes} classes of cifar10-jpg/train. */
    static ImageDataset cifarJpegs(int classes, int perClass) {
        Path root = shared().resolve("datasets/cifar10-jpg/train");
        try {
            List<String> names;
            try (var s = Files.list(root)) {
                names = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            List<String> used = names.subList(0, classes);
            byte[] px = new byte[classes * perClass * 32 * 32 * 3];
            int[] labels = new int[classes * perClass];
            int i = 0;
            for (int c = 0; c < classes; c++) {
                List<Path> files;
                try (var s = Files.list(root.resolve(used.get(c)))) {
                    files = s.sorted().limit(perClass).toList();
                }
                for (Path f : files) {
                    BufferedImage img = ImageIO.read(f.toFile());
                    if (img == null || img.getWidth() != 32 || img.getHeight() != 32) {
                        throw new IllegalStateException("not a 32x32 image: " + f);
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
                    labels[i++] = c;
                }
            }
            return new ImageDataset("cifar10-jpg/train[test]", 32, 32, 3, Arrays.copyOf(px, i * 3072),
                    Arrays.copyOf(labels, i), used, "test");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
