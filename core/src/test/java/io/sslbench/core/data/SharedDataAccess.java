package io.sslbench.core.data;

import java.nio.file.Path;

/** Shared data paths for tests in other packages. */
public final class SharedDataAccess {
    private SharedDataAccess() {}

    public static Path cifarSubset() {
        return SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin");
    }

    /**
     * Records {@code [from, to)} of the bit-exact CIFAR-10 subset as a data set named {@code name} (the first
     * {@code to} records are read).
     */
    public static ImageDataset cifarRecords(int from, int to, String name) {
        ImageDataset all = CifarBinaryReader.read("cifar10-subset", "cifar10-binary", java.util.List.of(cifarSubset()), 1,
                0, CifarBinaryReader.CIFAR10_CLASSES);
        return all.subset(java.util.stream.IntStream.range(from, to).toArray(), name);
    }

    public static Path fashionMnist() {
        return SharedData.dataset("fashion-mnist");
    }
}
