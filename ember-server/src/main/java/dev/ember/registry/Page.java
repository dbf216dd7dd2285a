package dev.ember.registry;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items      the items, in a stable order
 * @param nextMarker the opaque marker of the next page, or null on the last page
 */
public record Page<T>(List<T> items, String nextMarker) {
    public Page {
        items = List.copyOf(items);
    }
}
