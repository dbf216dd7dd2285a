package dev.ember.state.client;

import java.util.List;

/**
 * What the control plane knows of a namespace ({@link State#namespaces()}).
 *
 * @param name   the namespace, e.g. a function's name
 * @param keys   how many keys it holds (expired ones not yet purged included)
 * @param bytes  the size of its keys and values
 * @param grants the functions it is granted to, besides its own
 */
public record NamespaceInfo(String name, long keys, long bytes, List<String> grants) {
    public NamespaceInfo {
        grants = List.copyOf(grants);
    }
}
