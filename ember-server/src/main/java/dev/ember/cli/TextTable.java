package dev.ember.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows of cells printed in left-aligned columns two spaces apart, without trailing blanks. */
final class TextTable {
    private final String indent;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable() {
        this("");
    }

    /** A table whose every line starts with {@code indent}. */
    TextTable(String indent) {
        this.indent = indent;
    }

    /** Adds a row; a null cell prints as {@code -}. */
    TextTable row(String... cells) {
        rows.add(Arrays.stream(cells).map(cell -> cell == null || cell.isEmpty() ? "-" : cell).toList());
        return this;
    }

    void print(PrintWriter out) {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                int width = row.get(i).length();
                if (i == widths.size()) {
                    widths.add(width);
                } else if (width > widths.get(i)) {
                    widths.set(i, width);
                }
            }
        }
        for (List<String> row : rows) {
            var line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths.get(i) - row.get(i).length() + 2));
                }
            }
            out.println(line);
        }
        out.flush();
    }
}
