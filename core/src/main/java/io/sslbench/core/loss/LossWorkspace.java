package io.sslbench.core.loss;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A reusable ND4J workspace for a loss's temporaries.
 *
 * <p>A contrastive loss allocates a few large temporaries per call (the [2N,2N] or [N,K] logit
 * matrix: 1 MB for NT-Xent at 2N = 512, 4 MB for InfoNCE at N = 256, K = 4096). Fresh off-heap
 * allocations cost milliseconds each here (page faults, and deallocation left to the GC); inside
 * a workspace they are pointer bumps into memory reused from the previous call. The workspace
 * learns its size on the first call and keeps it per thread for the life of the thread.
 *
 * <p>Usage; every array that leaves the block must be {@code detach()}ed:
 * <pre>
 *   try (MemoryWorkspace ws = LossWorkspace.open("sslbench-ntxent")) {
 *       ...
 *       return new LossResult(value, grad.detach());
 *   }
 * </pre>
 * A workspace id must not be opened again while it is open on the same thread.
 */
public final class LossWorkspace {
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.1)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private LossWorkspace() {}

    /**
     * @param id the workspace's name, one per loss
     * @return the activated workspace; close it (try-with-resources) to release its temporaries
     */
    public static MemoryWorkspace open(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }
}
