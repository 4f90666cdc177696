/**
 * Paper-style tables, charts and a self-contained HTML report from the results store.
 *
 * <h2>Flow</h2>
 * <ol>
 *   <li>{@link io.sslbench.reports.ResultsFrame}: {@code List<ResultRow>} as a Tablesaw table (one row per
 *       run and protocol, re-evaluations replaced by the last row), and the group-by summaries
 *       (mean, sample std, count) everything else uses.</li>
 *   <li>{@link io.sslbench.reports.MainTable} (method x protocol, seeds, cost, collapse verdict, the papers'
 *       numbers from {@link io.sslbench.reports.PaperNumbers}, the random-init floor) and
 *       {@link io.sslbench.reports.Ablations} (one table per grid, laid out as the paper did, chosen by grid
 *       name and axes) hold the numbers; each renders a format-free
 *       {@link io.sslbench.reports.ReportTable}, which {@link io.sslbench.reports.TableFormats} writes as
 *       Markdown, LaTeX (booktabs), CSV or HTML.</li>
 *   <li>{@link io.sslbench.reports.Charts} builds {@link io.sslbench.reports.ChartSpec}s from that table data
 *       and from {@link io.sslbench.reports.TrainingCurve}s (pure functions);
 *       {@link io.sslbench.reports.XCharts} turns them into XChart objects and
 *       {@link io.sslbench.reports.ChartFiles} draws PNG and SVG.</li>
 *   <li>{@link io.sslbench.reports.Report#write} writes {@code report/index.html} (inline CSS, PNG data: URIs,
 *       a Content-Security-Policy that forbids any fetch), {@code report.md}, every table as CSV and LaTeX,
 *       and every chart as PNG and SVG.</li>
 * </ol>
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Numbers never depend on the default locale: {@link io.sslbench.reports.Fmt} and
 *       {@code Locale.ROOT} everywhere, XChart stylers set to {@code Locale.ROOT}; LocaleTest checks that
 *       hi-IN, de-DE and ar-EG give byte-identical tables and SVG.</li>
 *   <li>Spread is the sample (Bessel-corrected) std over seeds; one seed shows no ±.</li>
 *   <li>Every text from data is escaped for its format ({@link io.sslbench.reports.Escape}).</li>
 * </ul>
 *
 * <h2>Deviations</h2>
 * This module implements no method, so it has no {@code DEVIATION:} of its own. What a reader must keep in
 * mind when comparing, and what the report states next to the numbers:
 * <ul>
 *   <li>The ImageNet numbers in {@link io.sslbench.reports.PaperNumbers} are at the papers' scale
 *       (ResNet-50, 200 to 1000 epochs, batches of 256 to 4096); the closest public reference to our scale is
 *       lightly's CIFAR-10 benchmark (ResNet-18, batch 128, 200 epochs), whose kNN top-1 is the BEST over
 *       all epochs, while our kNN protocol row is measured once, after pretraining.</li>
 *   <li>Ablation captions describe the papers' findings qualitatively; only the SwAV multi-crop numbers
 *       (from the official model zoo) are quoted.</li>
 * </ul>
 */
package io.sslbench.reports;
