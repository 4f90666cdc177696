package io.sslbench.core.nn.bn;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test {@link Collective}: {@code worldSize} workers, one thread each, exchanging detached copies
 * through shared slots and a barrier (the same contract a process-group backend would honour).
 */
final class InMemoryCollective {
    private final int world;
    private final CyclicBarrier barrier;
    private final INDArray[] slots;

    InMemoryCollective(int world) {
        this.world = world;
        this.barrier = new CyclicBarrier(world);
        this.slots = new INDArray[world];
    }

    /** @return the collective seen by worker {@code rank} */
    Collective worker(int rank) {
        return new Collective() {
            @Override
            public int worldSize() {
                return world;
            }

            @Override
            public int rank() {
                return rank;
            }

            @Override
            public INDArray allReduceSum(INDArray x) {
                INDArray[] all = exchange(rank, x);
                INDArray sum = all[0].dup();
                for (int k = 1; k < world; k++) {
                    sum.addi(all[k]);
                }
                return sum;
            }

            @Override
            public INDArray allGather(INDArray x) {
                return Nd4j.concat(0, exchange(rank, x));
            }
        };
    }

    /** Publishes a copy of {@code x}, waits for all, takes copies of everyone's, waits again. */
    private INDArray[] exchange(int rank, INDArray x) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            slots[rank] = x.dup();
            await();
            INDArray[] copy = new INDArray[world];
            for (int k = 0; k < world; k++) {
                copy[k] = slots[k].dup();
            }
            await();
            return copy;
        }
    }

    private void await() {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("collective barrier failed", e);
        }
    }
}
