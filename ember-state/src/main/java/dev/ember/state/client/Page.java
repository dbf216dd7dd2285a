package dev.ember.state.client;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, in key order (the byte order of the keys' UTF-8).
 *
 * @param entries   the keys of the page with their values and versions
 * @param nextToken where the next page starts (the last key of this one), or empty on the last page
 */
public record Page(List<Entry> entries, Optional<String> nextToken) {
    public Page {
        entries = List.copyOf(entries);
    }

    /** The keys of the page, in order. */
    public List<String> keys() {
        return entries.stream().map(Entry::key).toList();
    }
}
