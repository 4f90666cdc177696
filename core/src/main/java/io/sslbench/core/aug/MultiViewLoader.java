package io.sslbench.core.aug;

import io.sslbench.core.data.ImageDataset;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Multi-view batches of an {@link ImageDataset}, augmented by worker threads ahead of the consumer.
 *
 * <p>Epoch {@code e} visits the images in the order {@link ViewSeeds#permutation}(seed, e, N); batch
 * {@code b} holds positions {@code [b*B, (b+1)*B)} of that order (the last partial batch is dropped when
 * {@code dropLast}). View {@code v} of image {@code i} is {@code views.get(v).apply(image_i,
 * ViewSeeds.forView(seed, e, i, v))}. Every batch is therefore a pure function of (seed, epoch, batch),
 * bit-identical whatever the number of threads, and {@code epoch(e, k)} yields exactly batches k.. of a
 * full pass without augmenting batches 0..k-1.
 *
 * <p>Prefetching: the iterator keeps up to {@code prefetchBatches} batches submitted (each split into
 * {@code threads} chunks of images written into plain {@code float[]} buffers); {@code next()} waits for
 * the oldest, submits the next, and wraps the buffers as INDArrays (created outside any workspace). A
 * worker failure is re-thrown by {@code next()} as an {@link AugmentationException} naming the image.
 * Abandoning an iterator leaves at most {@code prefetchBatches} batches to finish in the background.
 * {@link #close()} stops the workers.
 */
public final class MultiViewLoader implements BatchSource {
    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final ImageDataset dataset;
    private final List<ViewPipeline> views;
    private final int batchSize;
    private final long seed;
    private final int threads;
    private final int prefetchBatches;
    private final boolean dropLast;
    private final ExecutorService pool;
    private volatile boolean closed;

    /** Same as the full constructor with {@code dropLast = true}. */
    public MultiViewLoader(ImageDataset dataset, List<ViewPipeline> views, int batchSize, long seed, int threads,
                           int prefetchBatches) {
        this(dataset, views, batchSize, seed, threads, prefetchBatches, true);
    }

    /**
     * @param dataset         source images (HWC uint8)
     * @param views           one pipeline per view, in the order the method expects them; non-empty
     * @param batchSize       B >= 1 (and <= N when dropLast)
     * @param seed            run seed
     * @param threads         worker threads >= 1
     * @param prefetchBatches batches in flight ahead of the consumer >= 1
     * @param dropLast        drop the final partial batch (the usual choice for contrastive training)
     */
    public MultiViewLoader(ImageDataset dataset, List<ViewPipeline> views, int batchSize, long seed, int threads,
                           int prefetchBatches, boolean dropLast) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.views = List.copyOf(Objects.requireNonNull(views, "views"));
        if (this.views.isEmpty()) {
            throw new IllegalArgumentException("MultiViewLoader needs at least one view pipeline");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (dropLast && batchSize > dataset.size()) {
            throw new IllegalArgumentException("batchSize " + batchSize + " exceeds the " + dataset.size()
                    + " images of " + dataset.name() + " with dropLast: no batch would be produced");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (prefetchBatches < 1) {
            throw new IllegalArgumentException("prefetchBatches must be >= 1, got " + prefetchBatches);
        }
        for (int v = 0; v < this.views.size(); v++) {
            try {
                this.views.get(v).checkInput(dataset.height(), dataset.width(), dataset.channels());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("view " + v + " does not fit " + dataset.name() + ": "
                        + e.getMessage(), e);
            }
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.threads = threads;
        this.prefetchBatches = prefetchBatches;
        this.dropLast = dropLast;
        int id = POOL_ID.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "sslbench-aug-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, tf);
    }

    /** @return batches per epoch: {@code N / B} (dropLast) or {@code ceil(N / B)} */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public List<ViewPipeline> views() {
        return views;
    }

    /** @return the data-set indices of epoch {@code epoch} in visiting order */
    public int[] order(int epoch) {
        return ViewSeeds.permutation(seed, epoch, dataset.size());
    }

    /**
     * Iterates batches {@code startBatch .. batchesPerEpoch()-1} of epoch {@code epoch}; prefetching starts
     * immediately.
     *
     * @param epoch      epoch number (any int; seeds the order and the views)
     * @param startBatch first batch to produce, in [0, batchesPerEpoch()]
     */
    public Iterator<ViewBatch> epoch(int epoch, int startBatch) {
        if (closed) {
            throw new IllegalStateException("MultiViewLoader is closed");
        }
        if (startBatch < 0 || startBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("startBatch " + startBatch + " outside [0, " + batchesPerEpoch() + "]");
        }
        return new EpochIterator(epoch, startBatch);
    }

    /**
     * Computes batch {@code batch} of epoch {@code epoch} on the calling thread (no workers); equal to the
     * iterator's batch.
     */
    public ViewBatch batch(int epoch, int batch) {
        if (batch < 0 || batch >= batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + batch + " outside [0, " + batchesPerEpoch() + ")");
        }
        Pending p = new Pending(order(epoch), epoch, batch);
        p.fill(0, p.indices.length);
        return p.toBatch();
    }

    /** Stops the worker threads (running chunks are interrupted) and waits up to 10 s for them. */
    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("augmentation workers did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether all worker threads have ended (after {@link #close()}) */
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    /** One batch being augmented: its rows, buffers and the chunk futures writing them. */
    private final class Pending {
        final int epoch;
        final int[] indices;
        final int[] labels;
        final float[][] buffers;
        final List<Future<?>> chunks = new ArrayList<>();

        Pending(int[] order, int epoch, int batch) {
            this.epoch = epoch;
            int from = batch * batchSize;
            int to = Math.min(from + batchSize, order.length);
            this.indices = Arrays.copyOfRange(order, from, to);
            this.labels = new int[indices.length];
            int[] all = dataset.labels();
            for (int r = 0; r < indices.length; r++) {
                labels[r] = all[indices[r]];
            }
            this.buffers = new float[views.size()][];
            for (int v = 0; v < views.size(); v++) {
                buffers[v] = new float[indices.length * views.get(v).outputLength(dataset.channels())];
            }
        }

        /** Augments rows [from, to) into the buffers. */
        void fill(int from, int to) {
            int c = dataset.channels();
            for (int r = from; r < to; r++) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                int idx = indices[r];
                FloatImage src = FloatImage.fromDataset(dataset, idx);
                for (int v = 0; v < views.size(); v++) {
                    ViewPipeline vp = views.get(v);
                    try {
                        vp.apply(src, ViewSeeds.forView(seed, epoch, idx, v), buffers[v], r * vp.outputLength(c));
                    } catch (RuntimeException e) {
                        throw new AugmentationException(dataset.name(), idx, epoch, v, e);
                    }
                }
            }
        }

        void submit() {
            int n = indices.length;
            int per = (n + threads - 1) / threads;
            for (int from = 0; from < n; from += per) {
                int f = from, t = Math.min(n, from + per);
                chunks.add(pool.submit(() -> fill(f, t)));
            }
        }

        void await() {
            for (Future<?> f : chunks) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof AugmentationException ae) {
                        throw ae;
                    }
                    throw new IllegalStateException("augmentation worker failed: " + cause, cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for augmented batch", e);
                } catch (CancellationException e) {
                    throw new IllegalStateException("augmentation cancelled (loader closed?)", e);
                }
            }
        }

        void cancel() {
            for (Future<?> f : chunks) {
                f.cancel(true);
            }
        }

        ViewBatch toBatch() {
            INDArray[] arrays = new INDArray[views.size()];
            int c = dataset.channels();
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                for (int v = 0; v < arrays.length; v++) {
                    int s = views.get(v).outputSize();
                    arrays[v] = Nd4j.create(buffers[v], new long[]{indices.length, c, s, s}, 'c');
                }
            }
            return new ViewBatch(arrays, labels, indices);
        }
    }

    private final class EpochIterator implements Iterator<ViewBatch> {
        private final int epoch;
        private final int[] order;
        private final int total;
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        private int nextBatch;
        private int nextSubmit;

        EpochIterator(int epoch, int startBatch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.total = batchesPerEpoch();
            this.nextBatch = startBatch;
            this.nextSubmit = startBatch;
            refill();
        }

        private void refill() {
            while (nextSubmit < total && inFlight.size() < prefetchBatches) {
                if (closed) {
                    throw new IllegalStateException("MultiViewLoader is closed");
                }
                Pending p = new Pending(order, epoch, nextSubmit++);
                p.submit();
                inFlight.add(p);
            }
        }

        @Override
        public boolean hasNext() {
            return nextBatch < total;
        }

        @Override
        public ViewBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has " + total + " batches");
            }
            Pending p = inFlight.poll();
            try {
                p.await();
            } catch (RuntimeException e) {
                inFlight.forEach(Pending::cancel);
                inFlight.clear();
                nextBatch = total;
                throw e;
            }
            nextBatch++;
            refill();
            return p.toBatch();
        }
    }
}
