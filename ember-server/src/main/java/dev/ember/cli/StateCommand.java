package dev.ember.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.state.client.Entry;
import dev.ember.state.client.JsonText;
import dev.ember.state.client.Namespace;
import dev.ember.state.client.NamespaceInfo;
import dev.ember.state.client.Page;
import dev.ember.state.client.Put;
import dev.ember.state.client.State;
import dev.ember.state.client.StateException;
import dev.ember.state.client.StateUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember state ...}: functions' durable state from outside, over the control plane's state API
 * ({@code /ember/v1/state}, every namespace), with the same ember-state client functions use.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        subcommands = {StateCommand.Get.class, StateCommand.PutValue.class, StateCommand.ListKeys.class,
            StateCommand.Remove.class, StateCommand.Increment.class, StateCommand.Namespaces.class,
            StateCommand.Grant.class, StateCommand.Revoke.class},
        description = {"Reads and writes functions' durable state: JSON values under keys, in namespaces.",
            "A function's own namespace is named like it; grant lets a function use another one."})
final class StateCommand extends CommandGroup {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values longer than this are cut short in ls's table ({@code --json} prints them whole). */
    static final int SHOWN_VALUE = 60;

    /** A state command: an ember-state client of the server for the length of one {@link #run}. */
    abstract static class StateClientCommand extends EndpointCommand {
        StateClientCommand(CliContext context) {
            super(context);
        }

        /** Does the command's work; returns the exit code. */
        abstract int run(State state);

        @Override
        public final Integer call() {
            URI endpoint = endpointUri();
            try (State state = State.connect(endpoint)) {
                return run(state);
            } catch (StateUnavailableException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof ConnectException) {
                        throw CliException.noServer(endpoint.toString());
                    }
                }
                throw new CliException(e.getMessage(), e);
            } catch (StateException e) {
                throw new CliException(e.errorType() + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                // the client's own checks: a namespace's name, an empty key
                throw new CliException(e.getMessage(), e);
            }
        }

        void print(String line) {
            out().println(line);
            out().flush();
        }
    }

    /** {@code ember state get}. */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Prints a key's value as the JSON it is stored as.",
                "Exits with 1 if the key is absent (or expired)."})
    static final class Get extends StateClientCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, e.g. a function's name.")
        String namespace;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
        String key;

        @Option(names = "--json", description = "Print {\"key\", \"value\", \"version\", \"expiresAt\"} instead.")
        boolean json;

        Get(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            Entry entry = state.namespace(namespace).get(key)
                    .orElseThrow(() -> new CliException("no key " + key + " in the namespace " + namespace));
            print(json ? entryJson(entry).toString() : entry.json());
            return 0;
        }
    }

    /** {@code ember state put}. */
    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Writes a key's value: JSON, given as an argument, with --file, or on stdin.",
                "A string is JSON in quotes: ember state put NS KEY '\"text\"'. Prints the key's new version."})
    static final class PutValue extends StateClientCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, e.g. a function's name.")
        String namespace;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
        String key;

        @Parameters(index = "2", arity = "0..1", paramLabel = "JSON",
                description = "The value; without it and --file, stdin is read.")
        String value;

        @Option(names = "--file", paramLabel = "PATH", description = "Read the value from this file.")
        Path file;

        @ArgGroup(exclusive = true)
        Condition condition;

        /** At most one condition. */
        static final class Condition {
            @Option(names = "--if-version", paramLabel = "VERSION",
                    description = "Write only if the key is at this version now (as get --json shows it).")
            Long ifVersion;

            @Option(names = "--if-absent", description = "Write only if the key is absent: create, never replace.")
            boolean ifAbsent;

            @Option(names = "--if-present", description = "Write only if the key exists: replace, never create.")
            boolean ifPresent;
        }

        @Option(names = "--ttl", paramLabel = "DURATION", converter = Lookback.class,
                description = "Expire the key this long after the write: 30s, 10m, 2h, 7d (at most 365d). "
                        + "Without it, a TTL the key had is cleared.")
        Duration ttl;

        PutValue(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            JsonText json = parse(readValue());
            Put how = condition == null ? Put.always()
                    : condition.ifAbsent ? Put.ifAbsent()
                    : condition.ifPresent ? Put.ifPresent()
                    : ifVersion(condition.ifVersion);
            if (ttl != null) {
                try {
                    how = how.ttl(ttl);
                } catch (IllegalArgumentException e) {
                    throw new CliException("--ttl: " + e.getMessage());
                }
            }
            long version = state.namespace(namespace).put(key, json, how);
            print("put " + namespace + " " + key + ": version " + version
                    + (ttl == null ? "" : ", expires in " + Human.duration(ttl)));
            return 0;
        }

        private static Put ifVersion(long version) {
            if (version <= 0) {
                throw new CliException("--if-version takes a version, a positive integer; was " + version
                        + " (--if-absent writes only where there is none)");
            }
            return Put.ifVersion(version);
        }

        private String readValue() {
            if (value != null && file != null) {
                throw new CliException("give the value as an argument or with --file, not both");
            }
            if (value != null) {
                return value;
            }
            try {
                return file != null ? Files.readString(file, StandardCharsets.UTF_8)
                        : new String(context.stdin().readAllBytes(), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException("--file " + file + ": no such file");
            } catch (IOException e) {
                throw new CliException("cannot read the value from " + (file != null ? file : "stdin") + ": "
                        + e.getMessage(), e);
            }
        }

        private JsonText parse(String text) {
            if (text.isBlank()) {
                throw new CliException("no value: give it as an argument, with --file, or on stdin");
            }
            try {
                return JsonText.of(text.strip());
            } catch (IllegalArgumentException e) {
                throw new CliException("the value must be JSON (a string goes in quotes, '\"text\"'); "
                        + e.getMessage());
            }
        }
    }

    /** {@code ember state ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "Lists a namespace's keys in order, with their versions, expiry and values.")
    static final class ListKeys extends StateClientCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, e.g. a function's name.")
        String namespace;

        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
                description = "Only the keys that start with PREFIX.")
        String prefix;

        @Option(names = "--max", paramLabel = "N", defaultValue = "100",
                description = "Show at most N keys, 1 to 100000 (default: ${DEFAULT-VALUE}).")
        int max;

        @Option(names = "--json", description = "Print a JSON array of {key, value, version, expiresAt}, values "
                + "whole.")
        boolean json;

        ListKeys(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            if (max < 1 || max > 100_000) {
                throw new CliException("--max must be 1 to 100000, was " + max);
            }
            List<Entry> shown = new ArrayList<>();
            boolean more = false;
            for (Page page : state.namespace(namespace).pages(prefix, Math.min(max + 1, Namespace.MAX_PAGE_SIZE))) {
                for (Entry entry : page.entries()) {
                    if (shown.size() == max) {
                        more = true;
                        break;
                    }
                    shown.add(entry);
                }
                if (more) {
                    break;
                }
            }
            if (json) {
                ArrayNode items = JSON.createArrayNode();
                shown.forEach(entry -> items.add(entryJson(entry)));
                print(items.toString());
                return 0;
            }
            Instant now = context.clock().instant();
            var table = new TextTable().row("KEY", "VERSION", "EXPIRES", "VALUE");
            for (Entry entry : shown) {
                String value = entry.json().replaceAll("\\s*\\R\\s*", " ");
                table.row(entry.key(), Long.toString(entry.version()),
                        entry.expiresAt().map(at -> Human.fromNow(at, now)).orElse(null),
                        value.length() > SHOWN_VALUE ? value.substring(0, SHOWN_VALUE - 1) + "…" : value);
            }
            table.print(out());
            if (more) {
                out().println("showed the first " + Human.count(max, "key") + "; --max shows more");
            }
            out().flush();
            return 0;
        }
    }

    /** {@code ember state rm}. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Deletes a key, or every key with a prefix (--prefix, or --all for the whole namespace).",
                "Deleting a function leaves its namespace's data; ember state rm NAMESPACE --all deletes it at "
                        + "once. A prefix is deleted key by key, not in one transaction."})
    static final class Remove extends StateClientCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, e.g. a function's name.")
        String namespace;

        @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "The key to delete.")
        String key;

        @Option(names = "--if-version", paramLabel = "VERSION",
                description = "Delete the key only if it is at this version now.")
        Long ifVersion;

        @Option(names = "--prefix", paramLabel = "PREFIX", description = "Delete every key that starts with PREFIX.")
        String prefix;

        @Option(names = "--all", description = "Delete every key of the namespace.")
        boolean all;

        Remove(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            int ways = (key != null ? 1 : 0) + (prefix != null ? 1 : 0) + (all ? 1 : 0);
            if (ways != 1) {
                throw new CliException("give one of KEY, --prefix PREFIX and --all");
            }
            Namespace ns = state.namespace(namespace);
            if (key != null) {
                if (ifVersion != null) {
                    if (ifVersion <= 0) {
                        throw new CliException("--if-version takes a version, a positive integer; was " + ifVersion);
                    }
                    ns.delete(key, ifVersion);
                } else {
                    ns.delete(key);
                }
                print("deleted " + namespace + " " + key);
                return 0;
            }
            if (ifVersion != null) {
                throw new CliException("--if-version goes with a KEY, not with --prefix or --all");
            }
            if (all) {
                ns.deleteAll();
                print("deleted every key of " + namespace + " (its grants stay)");
                return 0;
            }
            int deleted = 0;
            // Each page is read before any of it is deleted, and the next one starts after its last key.
            for (Page page : ns.pages(prefix, Namespace.MAX_PAGE_SIZE)) {
                for (Entry entry : page.entries()) {
                    ns.delete(entry.key());
                    deleted++;
                }
            }
            print("deleted " + Human.count(deleted, "key") + " of " + namespace + " starting with '" + prefix + "'");
            return 0;
        }
    }

    /** {@code ember state incr}. */
    @Command(name = "incr", mixinStandardHelpOptions = true,
            description = "Adds to a key's integer (an absent key counts as 0) and prints the new total.")
    static final class Increment extends StateClientCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, e.g. a function's name.")
        String namespace;

        @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
        String key;

        @Option(names = "--by", paramLabel = "N", defaultValue = "1",
                description = "How much to add, negative to subtract (default: ${DEFAULT-VALUE}).")
        long by;

        Increment(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            print(Long.toString(state.namespace(namespace).increment(key, by)));
            return 0;
        }
    }

    /** {@code ember state namespaces}. */
    @Command(name = "namespaces", mixinStandardHelpOptions = true,
            description = "Lists the namespaces that hold keys or grants: keys, size and the functions granted them.")
    static final class Namespaces extends StateClientCommand {
        Namespaces(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            var table = new TextTable().row("NAMESPACE", "KEYS", "SIZE", "GRANTED TO");
            for (NamespaceInfo namespace : state.namespaces()) {
                table.row(namespace.name(), Long.toString(namespace.keys()), Human.bytes(namespace.bytes()),
                        String.join(", ", namespace.grants()));
            }
            table.print(out());
            out().flush();
            return 0;
        }
    }

    /** A grant's two parameters, for {@code grant} and {@code revoke}. */
    abstract static class GrantChange extends StateClientCommand {
        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace.")
        String namespace;

        @Parameters(index = "1", paramLabel = "FUNCTION", description = "The function's name.")
        String function;

        GrantChange(CliContext context) {
            super(context);
        }
    }

    /** {@code ember state grant}. */
    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = {"Lets a function use a namespace besides its own, until revoked.",
                "The grant is durable, and deleted with the function."})
    static final class Grant extends GrantChange {
        Grant(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            state.namespace(namespace).grant(function);
            print("granted " + namespace + " to " + function);
            return 0;
        }
    }

    /** {@code ember state revoke}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Takes back a function's grant of a namespace (nothing happens if it had none).")
    static final class Revoke extends GrantChange {
        Revoke(CliContext context) {
            super(context);
        }

        @Override
        int run(State state) {
            state.namespace(namespace).revoke(function);
            print("revoked " + namespace + " from " + function);
            return 0;
        }
    }

    /** {@code {"key", "value", "version", "expiresAt"?}}, the value as JSON and the expiry as an ISO instant. */
    static ObjectNode entryJson(Entry entry) {
        ObjectNode node = JSON.createObjectNode().put("key", entry.key());
        try {
            node.set("value", JSON.readTree(entry.json()));
        } catch (JacksonException e) {
            throw new CliException("the server sent a value of " + entry.key() + " that is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        node.put("version", entry.version());
        entry.expiresAt().ifPresent(at -> node.put("expiresAt", at.toString()));
        return node;
    }
}
