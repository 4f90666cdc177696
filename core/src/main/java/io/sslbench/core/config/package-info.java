/**
 * Configuration: YAML trees ({@link io.sslbench.core.config.ConfigTree}: bundled configs, files, {@code --set key=value}
 * overrides) bound to immutable, validated records ({@link io.sslbench.core.config.Records}) with defaults in one place
 * ({@link io.sslbench.core.config.RunConfig} and each method's config record). A bad value fails before any training
 * with a {@link io.sslbench.core.config.ConfigException} naming the key and the allowed range. A run's identity is the
 * hash of the fully bound config ({@code io.sslbench.core.engine.RunIdentity}: {@link
 * io.sslbench.core.config.RunConfig#identityTree()} with the method's bound record as its method section).
 */
package io.sslbench.core.config;
