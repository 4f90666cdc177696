package io.sslbench.core.engine;

import io.sslbench.core.aug.Presets;
import io.sslbench.core.aug.ViewPipeline;
import io.sslbench.core.loss.LossResult;
import io.sslbench.core.nn.ZeroInitResidual;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A self-supervised method: views in, loss out. Everything else (optimiser, schedules, EMA targets,
 * checkpoints, logging, online probe) is the {@link Trainer}'s.
 *
 * <p>The online network is {@code encoder -> heads}; the engine appends an in-graph loss layer to the
 * vertex returned by {@link #addHeads}. Each step the engine calls {@link #prepare} with the
 * augmented views, forwards {@link StepInputs#chunks()} through the online network (one chunk: one
 * fused forward/backward at {@code fit} speed; several chunks, e.g. multi-crop resolutions or
 * gradient caching: forward all, loss once, backward per chunk), calls {@link #loss} with the head
 * outputs by name ({@link #outputs()}: e.g. SimSiam's {@code z} and {@code p}) and takes the gradients back by name,
 * updates, and finally calls {@link #afterStep}. EMA targets (momentum encoders) are created once in {@link #init}
 * ({@link TrainContext#emaTarget}) and kept by the method, which updates and forwards them.
 */
public interface SslMethod {

    /** @return method id, e.g. "simclr", "moco-v2" */
    String id();

    /**
     * @param target image-size regime of the data set (CIFAR 32px, ImageNet 224px)
     * @return one augmentation pipeline per view, normally a preset from {@link io.sslbench.core.aug.Presets}
     */
    List<ViewPipeline> views(Presets.Target target);

    /**
     * Adds the method's heads to the encoder.
     *
     * @param features   name of the encoder's pooled-feature vertex
     * @param featureDim its width
     * @return name of the vertex whose output goes into {@link #loss}
     */
    String addHeads(GraphBuilder g, String features, int featureDim);

    /** Called once after the online network exists: create EMA targets, queues, etc. */
    default void init(TrainContext ctx) {
    }

    /**
     * Splits the step's views into the online network's input chunks and the loss's targets.
     *
     * @param views one NCHW tensor per view (same order as the preset's pipelines)
     */
    StepInputs prepare(TrainContext ctx, INDArray[] views);

    /**
     * @return the named outputs of the head vertex {@link #addHeads} returns, in its column order (default: one
     *         output, {@link HeadOutputs#single()}); the engine hands them to {@link #loss} by name
     */
    default HeadOutputs outputs() {
        return HeadOutputs.single();
    }

    /**
     * The loss over the online head outputs.
     *
     * @param out     the head outputs of all chunks by name ({@link #outputs()}), rows concatenated in chunk order
     * @param targets {@link StepInputs#targets()} of this step (may be null)
     * @return the mean loss and, as gradient 0, dL/d(head output) of that mean: for several outputs, from the named
     *         gradients by {@link HeadOutputs.Values#gradient}
     */
    LossResult loss(HeadOutputs.Values out, INDArray targets, TrainContext ctx);

    /** Called after the parameter update (enqueue keys, EMA updates, normalise prototypes...). */
    default void afterStep(TrainContext ctx, StepInputs in, HeadOutputs.Values out) {
    }

    /**
     * @return the loss every input mapped to one output gives, if the loss can reach it by collapsing (a
     *         second collapse signal besides the output std; see {@link Collapse.Verdict}); empty (the default)
     *         where collapse does not minimise the loss (contrastive and clustering losses)
     */
    default Optional<Collapse.TrivialLoss> trivialLoss() {
        return Optional.empty();
    }

    /**
     * @return method-specific scalars describing the last {@link #loss} call (e.g. SwAV's code entropy), by
     *         name; the engine logs them with every step, averages them per epoch and reports the last epoch's
     *         means in its result. Empty by default.
     */
    default Map<String, Double> diagnostics() {
        return Map.of();
    }

    /**
     * @return limits on {@link #diagnostics()} beyond which a run counts as collapsed (a third collapse signal,
     *         see {@link Collapse.Verdict}); none by default
     */
    default List<Collapse.DiagnosticLimit> collapseLimits() {
        return List.of();
    }

    /** @return the embeddings whose spread the collapse monitor tracks (default: the first head output) */
    default INDArray embeddings(HeadOutputs.Values out) {
        return out.get(outputs().names().get(0));
    }

    /**
     * @return whether bias and BN parameters skip weight decay and LARS adaptation ({@link
     *         io.sslbench.core.optim.Optimizer}); each method states its official code's choice in its config
     *         ({@code method.excludeBnBias})
     */
    boolean excludeBnBias();

    /**
     * @return which residual blocks of the backbone start with the gamma of their last BN at 0; each method states
     *         its official code's choice in its config ({@code method.zeroInitResidual})
     */
    ZeroInitResidual zeroInitResidual();

    /**
     * @return whether, in training mode, every BN layer of the online network (and of the networks cloned from it)
     *         normalises each view's rows with their own statistics, as official code that forwards the views one at a
     *         time gets them (BYOL, SimSiam), instead of the views stacked into one batch (SimCLR, SwAV's global
     *         crops); {@code method.bnPerView} where a method offers the choice. False by default.
     */
    default boolean bnPerView() {
        return false;
    }

    /** The views a method stacks into one batch ([view1; view2]) when it normalises them per view. */
    int VIEWS_PER_BATCH = 2;

    /**
     * The training-mode BN layout of the online network's batch (and of the networks cloned from it): {@code groups}
     * sets of statistics over {@code blocks} contiguous row blocks, block b in group b mod groups (see
     * {@code FastBatchNormalization}).
     */
    record BnLayout(int groups, int blocks) {
        public BnLayout {
            if (groups < 1 || blocks < groups || blocks % groups != 0) {
                throw new IllegalArgumentException("BN layout needs groups >= 1 and blocks a multiple of them, got "
                        + groups + " groups over " + blocks + " blocks");
            }
        }

        /** One set of statistics over the whole batch (one device, or cross-replica BN). */
        public static final BnLayout WHOLE = new BnLayout(1, 1);

        /** Each of {@code views} stacked views with its own statistics. */
        public static BnLayout perView(int views) {
            return new BnLayout(views, views);
        }

        /**
         * {@code devices} simulated devices, each normalising its share of every one of the {@code views} stacked views
         * together (per-device BN of a batch split over devices, each device holding all views of its images).
         */
        public static BnLayout perDevice(int views, int devices) {
            return new BnLayout(devices, views * devices);
        }
    }

    /**
     * @return the online batch's BN layout: {@link BnLayout#perView} when {@link #bnPerView()}, else {@link
     *         BnLayout#WHOLE}; methods that simulate per-device BN override it
     */
    default BnLayout bnLayout() {
        return bnPerView() ? BnLayout.perView(VIEWS_PER_BATCH) : BnLayout.WHOLE;
    }

    /** @return the deviation line of {@code method.bnPerView} set away from the official code (empty when it is not) */
    static List<String> bnLayoutChoice(boolean bnPerView, boolean official) {
        return bnPerView == official ? List.of() : List.of(overridden("method.bnPerView", bnPerView, official,
                "BN statistics per view instead of over the views stacked into one batch"));
    }

    /** @return layer-name prefixes trained at the base learning rate without schedule */
    default Set<String> fixedLrPrefixes() {
        return Set.of();
    }

    /** @return layer-name prefixes whose parameters are not updated at this step (SwAV's prototypes in epoch 1) */
    default Set<String> frozenPrefixes(TrainContext ctx) {
        return Set.of();
    }

    /** @return the vertex semi-supervised fine-tuning starts from (SimCLR v2: first projection layer) */
    default String fineTuneFrom(String featuresVertex) {
        return featuresVertex;
    }

    /** @return method state to checkpoint (queues...), arrays by name */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /** Restores {@link #state()}. */
    default void restore(Map<String, INDArray> state) {
    }

    /**
     * @return every deviation of this configured method from its paper and official code (for reports and result
     *         rows): its card's list ({@link MethodCard#deviations()}, the one place they are written), then
     *         {@link #configDeviations()}
     */
    default List<String> deviations() {
        List<String> out = new ArrayList<>(MethodCards.of(id()).map(MethodCard::deviations).orElse(List.of()));
        out.addAll(configDeviations());
        return out;
    }

    /**
     * @return the method's bound, validated config record (every default resolved), which {@link RunIdentity} hashes
     *         in place of the raw {@code method} section; null: the raw section identifies the run
     */
    default Record config() {
        return null;
    }

    /** @return the deviations this run's config adds (keys set away from the official values), one sentence each */
    default List<String> configDeviations() {
        return List.of();
    }

    /**
     * The deviation sentence of a config switch set away from the official code's value.
     *
     * @param key      the config key, e.g. {@code method.excludeBnBias}
     * @param value    its value in this run
     * @param official the official code's value
     * @param meaning  what the switch does, e.g. "exclude biases and BN parameters from weight decay"
     */
    static String overridden(String key, Object value, Object official, String meaning) {
        return key + "=" + value + " (" + meaning + "); the official code has " + official + ".";
    }

    /**
     * The deviation lines of the two training choices every method states against its official code:
     * {@code method.zeroInitResidual} and {@code method.excludeBnBias} (empty when both are the official values).
     */
    static List<String> trainingChoices(String zeroInitResidual, String officialZeroInitResidual, boolean excludeBnBias,
                                        boolean officialExcludeBnBias) {
        List<String> out = new ArrayList<>();
        if (!zeroInitResidual.equals(officialZeroInitResidual)) {
            out.add(overridden("method.zeroInitResidual", zeroInitResidual, officialZeroInitResidual,
                    "which residual blocks start with their last BN gamma at 0"));
        }
        if (excludeBnBias != officialExcludeBnBias) {
            out.add(overridden("method.excludeBnBias", excludeBnBias, officialExcludeBnBias,
                    "exclude biases and BN parameters from weight decay and LARS adaptation"));
        }
        return out;
    }
}
