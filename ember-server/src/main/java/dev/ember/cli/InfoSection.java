package dev.ember.cli;

import java.io.PrintWriter;

/**
 * One titled block of {@code ember info}'s output. Sections print in the order {@link InfoCommand} gathers them,
 * separated by blank lines; a new aspect of a function (such as scaling) is a new section.
 */
interface InfoSection {
    /** The heading line, e.g. {@code versions}. */
    String title();

    /** The section's lines under the heading, indented by two spaces. */
    void printBody(PrintWriter out);
}
