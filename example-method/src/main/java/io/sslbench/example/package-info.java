/**
 * The example plug-in method: alignment and uniformity on the hypersphere (Wang &amp; Isola, ICML 2020), and the proof
 * that an eighth method is one module and nothing else (issue 19). Its provider ({@code META-INF/services}), card
 * ({@code sslbench/methods/align-uniform.yaml}: display name, arXiv order, linear evaluation) and bundled config
 * ({@code sslbench/configs/align-uniform-cifar10.yaml}) are all the harness needs; {@code PluginEndToEndTest} trains,
 * evaluates and reports it through the CLI.
 *
 * <p>Deviations from the official code (github.com/SsnL/align_uniform): the {@code deviations} list of the card; the
 * loss is the official one.
 */
package io.sslbench.example;
