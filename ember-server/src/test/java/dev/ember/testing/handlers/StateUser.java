package dev.ember.testing.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.ember.state.client.AccessDeniedException;
import dev.ember.state.client.Entry;
import dev.ember.state.client.IncrementFailedException;
import dev.ember.state.client.Namespace;
import dev.ember.state.client.Page;
import dev.ember.state.client.PreconditionFailedException;
import dev.ember.state.client.Put;
import dev.ember.state.client.State;
import dev.ember.state.client.StateException;
import dev.ember.state.client.Transaction;
import dev.ember.state.client.TransactionConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java handler that uses the ember-state client from inside its environment, as a user's would. The event names
 * what to do: {@code {"do": "tour"}} runs every kind of call on its own namespace and answers what each gave;
 * {@code {"do": "increment", "key", "times"}} increments a counter; {@code {"do": "read", "namespace", "key"}}
 * reads another namespace (granted or not).
 */
public class StateUser implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final State STATE = State.fromEnvironment();

    /** A record stored and read back typed. */
    public record Cart(String owner, List<String> items, int total) {
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return switch (String.valueOf(event.get("do"))) {
            case "tour" -> tour();
            case "increment" -> {
                Namespace own = STATE.own();
                String key = (String) event.get("key");
                int times = ((Number) event.get("times")).intValue();
                long last = 0;
                for (int i = 0; i < times; i++) {
                    last = own.increment(key);
                }
                yield Map.of("last", last);
            }
            case "read" -> {
                try {
                    Namespace other = STATE.namespace((String) event.get("namespace"));
                    yield Map.of("value", other.get((String) event.get("key")).map(Entry::value).orElse("absent"));
                } catch (StateException e) {
                    yield Map.of("error", e.getClass().getSimpleName(), "errorType", e.errorType(),
                            "status", e.status(), "message", e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("unknown do: " + event.get("do"));
        };
    }

    private static Map<String, Object> tour() {
        Map<String, Object> seen = new LinkedHashMap<>();
        Namespace own = STATE.own();
        seen.put("namespace", own.name());
        long v1 = own.put("cart/1", new Cart("ann", List.of("tea", "cup"), 2));
        Cart cart = own.get("cart/1", Cart.class).orElseThrow();
        seen.put("cart", cart.owner() + ":" + cart.items() + ":" + cart.total());
        seen.put("missing", own.get("cart/none").isPresent());
        try {
            own.put("cart/1", Map.of(), Put.ifVersion(v1 + 1000));
            seen.put("staleput", "applied");
        } catch (PreconditionFailedException e) {
            seen.put("staleput", e.errorType() + " " + e.status());
        }
        long v2 = own.put("cart/1", Map.of("owner", "ann", "items", List.of(), "total", 0), Put.ifVersion(v1));
        seen.put("versionsGrow", v2 > v1);
        try {
            own.put("cart/1", "again", Put.ifAbsent());
            seen.put("createOnly", "applied");
        } catch (PreconditionFailedException e) {
            seen.put("createOnly", e.errorType());
        }
        own.put("lease", "me", Put.ifAbsent().ttl(Duration.ofSeconds(60)));
        seen.put("leaseExpires", own.get("lease").orElseThrow().expiresAt().isPresent());
        seen.put("visits", own.increment("visits", 5) + "," + own.increment("visits"));
        own.put("name", "not a number");
        try {
            own.increment("name");
        } catch (IncrementFailedException e) {
            seen.put("notAnInteger", e.errorType());
        }
        for (int i = 0; i < 5; i++) {
            own.put("page/" + i, i);
        }
        List<List<String>> pages = new ArrayList<>();
        for (Page page : own.pages("page/", 2)) {
            pages.add(page.keys());
        }
        seen.put("pages", pages);
        own.delete("page/0");
        seen.put("deleted", own.get("page/0").isEmpty());
        Entry alice = own.get("page/1").orElseThrow();
        Transaction transfer = STATE.transaction()
                .put(own, "page/1", alice.asLong() - 1, Put.ifVersion(alice.version()))
                .increment(own, "page/2", 1)
                .checkAbsent(own, "page/0");
        seen.put("transaction", transfer.commit().size());
        try {
            STATE.transaction().check(own, "page/1", alice.version()).put(own, "page/3", 30).commit();
            seen.put("conflict", "applied");
        } catch (TransactionConflictException e) {
            seen.put("conflict", e.failed() + " " + e.getMessage());
        }
        seen.put("unchanged", own.get("page/3").orElseThrow().asLong());
        try {
            STATE.namespace("not-granted").get("x");
            seen.put("denied", "read");
        } catch (AccessDeniedException e) {
            seen.put("denied", e.errorType() + " " + e.status());
        }
        return seen;
    }
}
