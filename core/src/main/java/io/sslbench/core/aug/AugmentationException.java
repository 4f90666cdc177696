package io.sslbench.core.aug;

/**
 * An augmentation worker failed on one image; raised on the consumer thread by
 * {@link MultiViewLoader}'s iterator with the failing image identified.
 */
public final class AugmentationException extends RuntimeException {
    private final int imageIndex;
    private final int epoch;
    private final int view;

    public AugmentationException(String dataset, int imageIndex, int epoch, int view, Throwable cause) {
        super("augmenting image " + imageIndex + " of " + dataset + " (epoch " + epoch + ", view " + view
                + ") failed: " + cause, cause);
        this.imageIndex = imageIndex;
        this.epoch = epoch;
        this.view = view;
    }

    /** @return data-set index of the image that failed */
    public int imageIndex() {
        return imageIndex;
    }

    public int epoch() {
        return epoch;
    }

    /** @return index of the view pipeline that failed */
    public int view() {
        return view;
    }
}
