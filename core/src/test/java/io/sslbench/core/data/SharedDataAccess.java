package io.sslbench.core.data;

import java.nio.file.Path;

/** Shared data paths for tests in other packages. */
public final class SharedDataAccess {
    private SharedDataAccess() {}

    public static Path cifarSubset() {
        return SharedData.dataset("cifar10-bin-subset/data_batch_1_first4000.bin");
    }

    public static Path fashionMnist() {
        return SharedData.dataset("fashion-mnist");
    }
}
