package io.sslbench.core.testing;

import io.sslbench.core.aug.BatchSource;
import io.sslbench.core.engine.OnlineNetwork;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;


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

    /** Synthetic two-view batches whose content depends only on (seed, epoch, batch). */
    public static BatchSource source(int batches, int batch, int size, int classes, long seed, DataType dt) {
        return new io.sslbench.core.engine.SyntheticBatches(batches, batch, 3, new int[]{size, size}, classes, seed, dt);
    }
}
