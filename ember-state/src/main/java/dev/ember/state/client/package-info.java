/**
 * The Java client of Ember's durable state: {@link dev.ember.state.client.State#fromEnvironment()} inside a
 * function, {@link dev.ember.state.client.State#connect(java.net.URI)} from outside.
 *
 * <p>Needs the JDK (21 or newer) and nothing else, so a function can ship it in {@code lib/} beside any other
 * libraries without a conflict: it reads and writes JSON itself and speaks HTTP/1.1 over plain sockets. The public
 * types are {@link dev.ember.state.client.State}, {@link dev.ember.state.client.Namespace}, {@link
 * dev.ember.state.client.Entry}, {@link dev.ember.state.client.Put}, {@link dev.ember.state.client.Page}, {@link
 * dev.ember.state.client.Transaction}, {@link dev.ember.state.client.JsonText}, {@link
 * dev.ember.state.client.NamespaceInfo} and the exceptions under {@link dev.ember.state.client.StateException};
 * the rest is package-private. The wire contract is {@code docs/state-api.md}.
 */
package dev.ember.state.client;
