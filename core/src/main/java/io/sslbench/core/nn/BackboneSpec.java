package io.sslbench.core.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which ResNet encoder to build: depth/kind, stem, width multiplier and input channels.
 *
 * <p>Identifier grammar accepted by {@link #parse(String)} (case-insensitive) and produced by {@link #id()}:
 * <pre>
 *   id         := depth [ "x" multiplier ] "-" stem [ "-gray" ]
 *   depth      := "resnet18" | "resnet34" | "resnet50" | "small"
 *   multiplier := integer 1..16   (SimCLR's 1x/2x/4x; "x1" is accepted, {@link #id()} omits it)
 *   stem       := "cifar"         (3x3/1 conv, no max-pool)
 *               | "imagenet"      (7x7/2 conv + 3x3/2 max-pool)
 *   "-gray"    := one input channel (MNIST-like) instead of 3
 * </pre>
 * Examples: {@code resnet18-cifar}, {@code resnet50-imagenet}, {@code resnet50x2-imagenet},
 * {@code small-cifar}, {@code resnet18-cifar-gray}.
 *
 * <p>Stage widths: stage {@code i} (0-based) has {@code baseWidth * 2^i * widthMultiplier} channels in its
 * 3x3 convolutions and {@code expansion} times that at its output (expansion 1 for BasicBlock, 4 for
 * Bottleneck). The stem has {@code baseWidth * widthMultiplier} channels. As in SimCLR's
 * {@code resnet.py} the multiplier scales every width, the stem included.
 *
 * @param depth           network depth/kind (block type, blocks per stage, base width)
 * @param stem            input stem
 * @param widthMultiplier width multiplier, 1..{@value #MAX_WIDTH_MULTIPLIER}
 * @param inputChannels   1 (gray) or 3 (RGB)
 */
public record BackboneSpec(Depth depth, Stem stem, int widthMultiplier, int inputChannels) {

    /** Largest accepted width multiplier (SimCLR uses 1, 2, 4). */
    public static final int MAX_WIDTH_MULTIPLIER = 16;

    private static final Pattern ID = Pattern.compile("(resnet18|resnet34|resnet50|small)(?:x(\\d{1,3}))?-(cifar|imagenet)(-gray)?");

    /** Residual block type. */
    public enum Block {
        /** Two 3x3 convolutions (ResNet-18/34). */
        BASIC(1),
        /** 1x1 reduce, 3x3 (carrying the stride, torchvision v1.5), 1x1 expand by 4 (ResNet-50). */
        BOTTLENECK(4);

        private final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }

        /** @return output channels / 3x3-conv channels of a block (1 or 4) */
        public int expansion() {
            return expansion;
        }
    }

    /** Depth/kind: block type, number of blocks in each stage and the base width. */
    public enum Depth {
        /** torchvision resnet18: BasicBlock x [2,2,2,2], widths 64..512. */
        RESNET18("resnet18", Block.BASIC, 64, 2, 2, 2, 2),
        /** torchvision resnet34: BasicBlock x [3,4,6,3], widths 64..512. */
        RESNET34("resnet34", Block.BASIC, 64, 3, 4, 6, 3),
        /** torchvision resnet50 (v1.5): Bottleneck x [3,4,6,3], widths 64..512, output 2048. */
        RESNET50("resnet50", Block.BOTTLENECK, 64, 3, 4, 6, 3),
        /** CPU-friendly: BasicBlock x [1,1,1], widths 16/32/64, feature dimension 64. */
        SMALL("small", Block.BASIC, 16, 1, 1, 1);

        private final String token;
        private final Block block;
        private final int baseWidth;
        private final int[] blocks;

        Depth(String token, Block block, int baseWidth, int... blocks) {
            this.token = token;
            this.block = block;
            this.baseWidth = baseWidth;
            this.blocks = blocks;
        }

        /** @return the id token, e.g. {@code resnet18} */
        public String token() {
            return token;
        }

        /** @return the residual block type */
        public Block block() {
            return block;
        }

        /** @return channels of the stem and of stage 0's 3x3 convolutions at width multiplier 1 */
        public int baseWidth() {
            return baseWidth;
        }

        /** @return the number of stages (4 for the ResNets, 3 for {@link #SMALL}) */
        public int numStages() {
            return blocks.length;
        }

        /** @return blocks in stage {@code stage} (0-based) */
        public int blocks(int stage) {
            return blocks[stage];
        }
    }

    /** Input stem. */
    public enum Stem {
        /** 3x3 stride-1 conv, no max-pool (the usual CIFAR variant of ResNet). */
        CIFAR("cifar"),
        /** 7x7 stride-2 conv (padding 3) + 3x3 stride-2 max-pool (padding 1), as torchvision. */
        IMAGENET("imagenet");

        private final String token;

        Stem(String token) {
            this.token = token;
        }

        /** @return the id token, e.g. {@code cifar} */
        public String token() {
            return token;
        }
    }

    public BackboneSpec {
        Objects.requireNonNull(depth, "BackboneSpec.depth");
        Objects.requireNonNull(stem, "BackboneSpec.stem");
        if (widthMultiplier < 1 || widthMultiplier > MAX_WIDTH_MULTIPLIER) {
            throw new IllegalArgumentException("BackboneSpec.widthMultiplier must be in 1.." + MAX_WIDTH_MULTIPLIER
                    + ", got " + widthMultiplier);
        }
        if (inputChannels != 1 && inputChannels != 3) {
            throw new IllegalArgumentException("BackboneSpec.inputChannels must be 1 (gray) or 3 (RGB), got " + inputChannels);
        }
    }

    /**
     * Parses an identifier of the grammar in the class documentation.
     *
     * @param id e.g. {@code resnet50x2-imagenet}
     * @return the spec
     * @throws IllegalArgumentException naming the id and listing the valid forms when it does not parse
     */
    public static BackboneSpec parse(String id) {
        Objects.requireNonNull(id, "backbone id");
        Matcher m = ID.matcher(id.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown backbone id '" + id + "': valid ids are " + baseIds()
                    + ", optionally with a width multiplier after the depth (x1..x" + MAX_WIDTH_MULTIPLIER
                    + ", e.g. resnet50x2-imagenet) and/or a '-gray' suffix for 1 input channel (e.g. resnet18-cifar-gray)");
        }
        Depth depth = null;
        for (Depth d : Depth.values()) {
            if (d.token.equals(m.group(1))) {
                depth = d;
            }
        }
        int mult = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        if (mult < 1 || mult > MAX_WIDTH_MULTIPLIER) {
            throw new IllegalArgumentException("backbone id '" + id + "': width multiplier x" + m.group(2)
                    + " is outside 1.." + MAX_WIDTH_MULTIPLIER);
        }
        Stem stem = m.group(3).equals(Stem.CIFAR.token) ? Stem.CIFAR : Stem.IMAGENET;
        return new BackboneSpec(depth, stem, mult, m.group(4) == null ? 3 : 1);
    }

    /** @return the ids without multiplier or gray suffix, e.g. {@code [resnet18-cifar, resnet18-imagenet, ...]} */
    public static List<String> baseIds() {
        List<String> ids = new ArrayList<>();
        for (Depth d : Depth.values()) {
            for (Stem s : Stem.values()) {
                ids.add(d.token + "-" + s.token);
            }
        }
        return ids;
    }

    /** @return the canonical id; {@code parse(spec.id()).equals(spec)} */
    public String id() {
        return depth.token + (widthMultiplier == 1 ? "" : "x" + widthMultiplier) + "-" + stem.token
                + (inputChannels == 1 ? "-gray" : "");
    }

    /** @return channels of the stem convolution: {@code baseWidth * widthMultiplier} */
    public int stemWidth() {
        return depth.baseWidth * widthMultiplier;
    }

    /** @return channels of the 3x3 convolutions of stage {@code stage}: {@code baseWidth * 2^stage * widthMultiplier} */
    public int stageWidth(int stage) {
        if (stage < 0 || stage >= depth.numStages()) {
            throw new IllegalArgumentException("stage must be in 0.." + (depth.numStages() - 1) + " for " + id() + ", got " + stage);
        }
        return depth.baseWidth * (1 << stage) * widthMultiplier;
    }

    /** @return output channels of stage {@code stage}: {@code stageWidth(stage) * expansion} */
    public int stageOutput(int stage) {
        return stageWidth(stage) * depth.block.expansion;
    }

    /** @return dimension of the pooled feature vector: output channels of the last stage (512, 2048, 64 at 1x) */
    public int featureDim() {
        return stageOutput(depth.numStages() - 1);
    }

    /** @return total spatial downsampling factor: {@code 2^(stages-1)}, times 4 for the ImageNet stem */
    public int totalStride() {
        return (1 << (depth.numStages() - 1)) * (stem == Stem.IMAGENET ? 4 : 1);
    }

    @Override
    public String toString() {
        return id();
    }
}
