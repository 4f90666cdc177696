package io.sslbench.core.testing;

import io.sslbench.core.engine.BatchSource;
import io.sslbench.core.engine.OnlineNetwork;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Tiny encoders and deterministic synthetic batch sources for engine tests. */
public final class TinyNets {
    private TinyNets() {}

    /** conv3x3(8) [-> BN] -> ReLU -> conv3x3/2(16) [-> BN] -> ReLU -> global avg pool ("enc_features", 16). */
    public static OnlineNetwork.EncoderFactory encoder(boolean bn) {
        return (g, in) -> {
            String last = in;
            int[] widths = {8, 16};
            for (int i = 0; i < widths.length; i++) {
                String c = "enc_conv" + i;
                g.addLayer(c, new ConvolutionLayer.Builder(3, 3).stride(i + 1, i + 1).convolutionMode(ConvolutionMode.Same)
                        .nOut(widths[i]).hasBias(!bn).activation(bn ? Activation.IDENTITY : Activation.RELU).build(), last);
                last = c;
                if (bn) {
                    g.addLayer("enc_bn" + i, new BatchNormalization.Builder().activation(Activation.RELU).build(), last);
                    last = "enc_bn" + i;
                }
            }
            g.addLayer("enc_features", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
            return new io.sslbench.core.nn.Encoder("enc_features", 16);
        };
    }

    /**
     * Synthetic two-view batches whose content depends only on (seed, epoch, batch): N images of
     * 3x{size}x{size}, labels i % classes.
     */
    public static BatchSource source(int batches, int batch, int size, int classes, long seed, DataType dt) {
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return batches;
            }

            @Override
            public Iterator<io.sslbench.core.aug.ViewBatch> epoch(int epoch, int startBatch) {
                return new Iterator<>() {
                    int b = startBatch;

                    @Override
                    public boolean hasNext() {
                        return b < batches;
                    }

                    @Override
                    public io.sslbench.core.aug.ViewBatch next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        Nd4j.getRandom().setSeed(seed * 1000003L + epoch * 1009L + b);
                        INDArray v1 = Nd4j.rand(dt, batch, 3, size, size);
                        INDArray v2 = v1.add(Nd4j.rand(dt, batch, 3, size, size).muli(0.1));
                        int[] labels = new int[batch];
                        int[] idx = new int[batch];
                        for (int i = 0; i < batch; i++) {
                            labels[i] = (b * batch + i) % classes;
                            idx[i] = b * batch + i;
                        }
                        b++;
                        return new io.sslbench.core.aug.ViewBatch(new INDArray[]{v1, v2}, labels, idx);
                    }
                };
            }
        };
    }
}
