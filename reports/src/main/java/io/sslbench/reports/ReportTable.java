package io.sslbench.reports;

import java.util.List;
import java.util.Objects;

/**
 * A finished table, independent of the output format (see {@link TableFormats}).
 *
 * @param id      file-name-safe id, used for file names, LaTeX labels and HTML anchors
 * @param title   short title
 * @param caption one or two sentences: what the numbers are and at what scale
 * @param header  column headers
 * @param rows    rows of cells, each exactly {@code header.size()} long; column 0 names the row
 * @param notes   footnotes shown under the table (sources, scales, legends)
 */
public record ReportTable(String id, String title, String caption, List<String> header, List<List<Cell>> rows,
                          List<String> notes) {
    public ReportTable {
        Objects.requireNonNull(id, "ReportTable.id");
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("ReportTable.id must match [a-z0-9][a-z0-9-]*, got '" + id + "'");
        }
        Objects.requireNonNull(title, "ReportTable.title");
        caption = caption == null ? "" : caption;
        header = List.copyOf(header);
        if (header.isEmpty()) {
            throw new IllegalArgumentException("ReportTable '" + id + "': header must not be empty");
        }
        rows = rows.stream().map(List::copyOf).toList();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != header.size()) {
                throw new IllegalArgumentException("ReportTable '" + id + "': row " + i + " has " + rows.get(i).size()
                        + " cells, header has " + header.size());
            }
        }
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** @return whether column {@code c} holds at least one statistic (it is then right-aligned and split in CSV) */
    public boolean isStatColumn(int c) {
        return rows.stream().anyMatch(r -> r.get(c).isStat());
    }

    /** @return the cell in the row whose first cell displays {@code rowLabel}, column named {@code column} */
    public Cell cell(String rowLabel, String column) {
        int c = header.indexOf(column);
        if (c < 0) {
            throw new IllegalArgumentException("ReportTable '" + id + "' has no column '" + column + "'; columns: " + header);
        }
        return rows.stream().filter(r -> r.get(0).display().equals(rowLabel)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("ReportTable '" + id + "' has no row '" + rowLabel + "'"))
                .get(c);
    }
}
