package io.sslbench.eval.run;

import io.sslbench.core.config.RunConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A subset larger than its split is refused by name, not cut silently (issue 16, item 9). */
class PretrainSubsetCheckTest {
    private static RunConfig.Data data(int subset, int testSubset, String pretrainSplit) {
        return new RunConfig.Data("cifar10", subset, testSubset, 0, "", 2, false, pretrainSplit);
    }

    @Test
    void aSubsetLargerThanItsSplitIsRefusedWithKeyValueAndSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pretrain.checkSubsets(data(60000, 0, "train"), 50000, 50000, 10000));
        assertTrue(e.getMessage().contains("data.subset = 60000") && e.getMessage().contains("50000 images of cifar10 train"),
                e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> Pretrain.checkSubsets(data(0, 12000, "train"), 50000, 50000, 10000));
        assertTrue(t.getMessage().contains("data.testSubset = 12000") && t.getMessage().contains("10000 images"), t.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> Pretrain.checkSubsets(new RunConfig.Data("cifar10", 0, 0, 60000, "", 2, false, "train"), 50000, 50000, 10000));
        assertTrue(b.getMessage().contains("data.evalSubset = 60000") && b.getMessage().contains("50000 images of cifar10 train"),
                b.getMessage());
    }

    @Test
    void validSubsetsPassAndASeparatePretrainSplitIsTheLimit() {
        assertDoesNotThrow(() -> Pretrain.checkSubsets(data(0, 0, "train"), 50000, 50000, 10000));
        assertDoesNotThrow(() -> Pretrain.checkSubsets(data(50000, 10000, "train"), 50000, 50000, 10000));
        // STL-10: 20,000 of the 105,000 train+unlabeled images thin the pretraining split; the 5,000 labelled are capped
        assertDoesNotThrow(() -> Pretrain.checkSubsets(data(20000, 0, "train+unlabeled"), 5000, 105000, 8000));
        assertThrows(IllegalArgumentException.class, () -> Pretrain.checkSubsets(data(200000, 0, "train+unlabeled"), 5000, 105000, 8000));
    }
}
