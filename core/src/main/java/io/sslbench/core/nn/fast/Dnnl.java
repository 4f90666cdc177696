package io.sslbench.core.nn.fast;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sslbench.core.runtime.Backend;
import io.sslbench.core.util.Buffers;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_exec_arg_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * What the layers that call oneDNN directly share ({@link DnnlConv}, {@link DnnlBn}): the CPU engine, one stream per
 * thread, memory objects whose data handles are pointed at ND4J arrays per call, and primitives with a fixed argument
 * list. oneDNN runs on nd4j's OpenMP threads (JavaCPP's oneDNN preset 2.5.2 is the build nd4j 1.0.0-M2.1 uses).
 */
final class Dnnl {
    private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);

    private Dnnl() {}

    /** Why oneDNN cannot be called directly here, or null when it can. */
    private static final String UNAVAILABLE;
    static final dnnl_engine ENGINE;

    static {
        String why = null;
        dnnl_engine engine = null;
        try {
            if (!"CPU".equalsIgnoreCase(Backend.backendName())) {
                // ND4J's host pointers are the data only on the CPU backend (CUDA keeps it on the device)
                throw new IllegalStateException("the ND4J backend is " + Backend.backendName() + ", not CPU");
            }
            engine = new dnnl_engine();
            check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
        } catch (Throwable t) { // a missing native build or preset class: the layers keep DL4J's or Java's code
            why = "oneDNN cannot be called directly: " + t;
            engine = null;
        }
        UNAVAILABLE = why;
        ENGINE = engine;
        if (why != null) {
            LOG.warn("oneDNN is not called directly (convolutions through DL4J's helper, BN through Java kernels): {}",
                    why);
        }
    }

    static boolean available() {
        return UNAVAILABLE == null;
    }

    static String unavailableReason() {
        return UNAVAILABLE;
    }

    private static final ThreadLocal<dnnl_stream> STREAMS = ThreadLocal.withInitial(() -> {
        dnnl_stream s = new dnnl_stream();
        check(dnnl_stream_create(s, ENGINE, dnnl_stream_default_flags), "stream");
        return s;
    });

    /** @return this thread's stream */
    static dnnl_stream stream() {
        return STREAMS.get();
    }

    /** Waits for the work queued on this thread's stream. */
    static void await(dnnl_stream stream) {
        check(dnnl_stream_wait(stream), "stream wait");
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }

    static dnnl_memory_desc_t desc(long[] dims, int tag) {
        dnnl_memory_desc_t d = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(d, dims.length, dims, dnnl_f32, tag), "memory descriptor");
        return d;
    }

    /** A memory object without data; its handle is set before each use. */
    static dnnl_memory memory(dnnl_memory_desc_t d) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, d, ENGINE, (Pointer) null), "memory");
        return m;
    }

    static void point(dnnl_memory m, INDArray a) {
        // addressPointer() is at the array's first element (ND4J views carry their offset); arrays here are dense
        check(dnnl_memory_set_data_handle(m, a.data().addressPointer()), "data handle");
    }

    /** The implementation oneDNN chose for a primitive descriptor, e.g. {@code jit:avx512_core}. */
    static String impl(dnnl_primitive_desc pd) {
        try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
            check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, out), "implementation query");
            return out.getString(0);
        }
    }

    static void requireDense(INDArray a, long[] shape, String name) {
        if (a.dataType() != DataType.FLOAT || !Arrays.equals(a.shape(), shape) || !Buffers.denseRowMajor(a)) {
            throw new IllegalArgumentException(name + ": expected a dense c-order FLOAT array of shape "
                    + Arrays.toString(shape) + ", got " + a.shapeInfoToString());
        }
    }

    /** A primitive with its argument list (memory objects fixed, their handles set per call). */
    static final class Call {
        private final dnnl_primitive primitive = new dnnl_primitive();
        private final dnnl_exec_arg_t args;
        private final dnnl_memory[] mems;
        private final int count;

        Call(dnnl_primitive_desc pd, int[] ids, dnnl_memory... mems) {
            check(dnnl_primitive_create(primitive, pd), "primitive");
            count = ids.length;
            this.mems = mems.clone();
            args = new dnnl_exec_arg_t(count);
            for (int i = 0; i < count; i++) {
                args.position(i).arg(ids[i]).memory(mems[i]);
            }
            args.position(0);
        }

        /** A primitive whose arguments are memory objects for the descriptors {@code pd} gives for {@code ids}. */
        static Call of(dnnl_primitive_desc pd, int... ids) {
            dnnl_memory[] mems = new dnnl_memory[ids.length];
            for (int i = 0; i < ids.length; i++) {
                mems[i] = memory(dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, ids[i]));
            }
            return new Call(pd, ids, mems);
        }

        void run(dnnl_stream stream) {
            check(dnnl_primitive_execute(primitive, stream, count, args), "execute");
        }

        /** Points the arguments at {@code arrays} (in the order of the ids), runs, and waits on this thread's stream. */
        void execute(INDArray... arrays) {
            if (arrays.length != count) {
                throw new IllegalArgumentException("expected " + count + " arrays, got " + arrays.length);
            }
            for (int i = 0; i < count; i++) {
                point(mems[i], arrays[i]);
            }
            dnnl_stream stream = stream();
            run(stream);
            await(stream);
        }
    }

    /**
     * Per-thread plans (primitives and memory objects) by key, created on first use; a key whose plan oneDNN refuses
     * (an {@link IllegalStateException} from {@code create}) is logged once and answered with null from then on.
     */
    static final class Plans<K, P> {
        private final ThreadLocal<Map<K, P>> plans = ThreadLocal.withInitial(HashMap::new);
        private final Set<K> refused = ConcurrentHashMap.newKeySet();
        private final Function<K, P> create;
        private final String what;
        private final String fallback;

        /**
         * @param what     the operation, for the log ("convolution")
         * @param fallback who runs a refused key instead, for the log ("DL4J's helper")
         */
        Plans(String what, String fallback, Function<K, P> create) {
            this.what = what;
            this.fallback = fallback;
            this.create = create;
        }

        /** @return the plan for {@code key}, or null when oneDNN is unavailable or refuses it */
        P get(K key) {
            if (!available() || refused.contains(key)) {
                return null;
            }
            Map<K, P> mine = plans.get();
            P p = mine.get(key);
            if (p == null) {
                try {
                    p = create.apply(key);
                } catch (IllegalStateException e) {
                    if (refused.add(key)) {
                        LOG.warn("oneDNN refused {} {}: {}; {} runs it", what, key, e.getMessage(), fallback);
                    }
                    return null;
                }
                mine.put(key, p);
            }
            return p;
        }
    }

    /**
     * A switch read from a system property: {@code value} when it is one of {@code allowed}, else a clear error.
     *
     * @param property the property's name, for the message
     */
    static String choice(String property, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException(property + " must be " + String.join(" or ", allowed) + ", not " + value);
    }
}
