package io.sslbench.reports;

import io.sslbench.core.results.Provenance;
import io.sslbench.core.results.ResultRow;

import java.util.ArrayList;
import java.util.List;

/** The provenance of every row the report uses, one table row per (run, protocol). */
public final class ProvenanceTable {
    private ProvenanceTable() {}

    /** @param rows the rows of the store; duplicates (re-evaluations) are reduced as the tables do */
    public static ReportTable of(List<ResultRow> rows) {
        List<List<Cell>> out = new ArrayList<>();
        for (ResultRow r : ResultsFrame.dedupe(rows)) {
            Provenance p = r.provenance();
            out.add(List.of(Cell.text(r.runId()), Cell.text(r.protocol()), Cell.text(r.method()),
                    Cell.text(r.grid().isEmpty() ? "—" : r.grid() + (r.axes().isEmpty() ? "" : " " + r.axes())),
                    Cell.text(Long.toString(p.seed())), Cell.text(p.configHash()),
                    Cell.text(p.gitCommit() + (p.gitDirty() ? " (dirty)" : "")), Cell.text(p.dataHash()),
                    Cell.text(p.backend()),
                    Cell.text("java " + nz(p.javaVersion()) + ", dl4j " + nz(p.dl4jVersion()) + ", " + nz(p.os()) + " "
                            + nz(p.arch())),
                    Cell.text(nz(p.timestamp()))));
        }
        return new ReportTable("provenance", "Provenance of every row",
                "Where each number came from: config hash, harness commit (dirty = uncommitted changes), seed, data hash, "
                        + "backend and versions.",
                List.of("Run", "Protocol", "Method", "Grid / axes", "Seed", "Config hash", "Git commit", "Data hash",
                        "Backend", "Versions", "Started (UTC)"), out, List.of());
    }

    private static String nz(String s) {
        return s == null ? "?" : s;
    }
}
