package dev.ember.server;

import dev.ember.api.LambdaHttpApi;
import dev.ember.async.AsyncInvocations;
import dev.ember.invoke.ConcurrencyControls;
import dev.ember.invoke.Invoker;
import dev.ember.invoke.ProvisionedConcurrency;
import dev.ember.pool.EnvironmentFactory;
import dev.ember.pool.WarmPool;
import dev.ember.registry.FunctionRegistry;
import dev.ember.sandbox.Isolation;
import dev.ember.state.FunctionState;
import dev.ember.store.Database;
import dev.ember.schedule.Schedules;
import dev.ember.telemetry.FunctionLogs;
import dev.ember.url.FunctionUrls;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running Ember platform: the HTTP API (control plane and Invoke API) over the embedded store and the
 * execution environments. Start with {@link #start(ServerOptions)}; {@link #close()} stops it and every environment.
 */
public final class EmberServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmberServer.class.getName());
    /** How often idle environments are checked against their keep-alive. */
    private static final long LOG_FILE_BYTES = 16L << 20;
    private static final int LOG_FILES_KEPT = 4;
    /** How often the rows of expired state keys are removed (they read as absent from the moment they expire). */
    private static final long STATE_PURGE_SECONDS = 60;

    private final ServerOptions options;
    private final List<AutoCloseable> resources;
    private final WebServer webServer;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EmberServer(ServerOptions options, List<AutoCloseable> resources, WebServer webServer) {
        this.options = options;
        this.resources = resources;
        this.webServer = webServer;
    }

    /** Starts a server; returns once it accepts requests. */
    public static EmberServer start(ServerOptions options) {
        InstantSource clock = options.clock();
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Files.createDirectories(dataDir);
            Database database = track(resources, Database.open(dataDir));
            FunctionRegistry registry = track(resources,
                    FunctionRegistry.open(database, dataDir.resolve("code"), options.arns(), clock));
            FunctionLogs logs = track(resources,
                    FunctionLogs.onDisk(dataDir.resolve("logs"), clock, LOG_FILE_BYTES, LOG_FILES_KEPT));
            // Tracked before the invoker, so it closes after every environment is destroyed.
            Isolation isolation = track(resources, options.sandbox() ? Isolation.forHost(dataDir.resolve("sandbox"))
                    : Isolation.none());
            // Tracked before the environments, so it closes after them: a write they started still commits.
            FunctionState state = track(resources, FunctionState.open(database, registry, clock));
            var environments = track(resources, new EnvironmentFactory(registry, options.arns(), isolation,
                    dataDir.resolve("run"), dataDir.resolve("runtime"), state::forEnvironment));
            var pool = new WarmPool(options.scalingPolicy(), clock);
            var concurrency = ConcurrencyControls.open(database, registry, options.concurrencyLimit());
            var provisioned = ProvisionedConcurrency.open(database, registry, concurrency, clock);
            Invoker invoker = track(resources, Invoker.local(registry, environments, pool, logs, concurrency,
                    provisioned, options.memoryBudget(), options.arns(), clock, options.initTimeout()));
            FunctionUrls urls = FunctionUrls.open(database, registry, clock);
            // Tracked after the invoker, so it stops dispatching before the environments are destroyed.
            AsyncInvocations async = track(resources, AsyncInvocations.start(database, registry, invoker,
                    concurrency, options.arns(), clock, options.asyncLimits()));
            // After the asynchronous queue it feeds, so it stops firing first.
            Schedules schedules = track(resources, Schedules.open(database, registry, async, options.arns(),
                    clock));
            pool.expect(schedules, options.housekeeping());
            registry.addListener((name, deleted) -> {
                if (deleted) {
                    deleteLogsIfGone(registry, logs, name);
                }
            });
            ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("ember-housekeeping").factory());
            resources.add(evictor::shutdownNow);
            evictor.scheduleWithFixedDelay(() -> {
                try {
                    pool.evictExpired();
                    invoker.scale();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Evicting or pre-warming environments failed", e);
                }
            }, 0, options.housekeeping().toMillis(), TimeUnit.MILLISECONDS);
            evictor.scheduleWithFixedDelay(() -> {
                try {
                    state.purgeExpired();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Purging expired state failed", e);
                }
            }, STATE_PURGE_SECONDS, STATE_PURGE_SECONDS, TimeUnit.SECONDS);
            evictor.scheduleWithFixedDelay(() -> {
                try {
                    logs.flushAll();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Flushing function logs failed", e);
                }
            }, 1, 1, TimeUnit.SECONDS);

            WebServer webServer = WebServer.builder()
                    .host(options.host())
                    .port(options.port())
                    .shutdownHook(false)
                    .maxPayloadSize(LambdaHttpApi.MAX_REQUEST_BYTES)
                    .routing(routing -> LambdaHttpApi.register(routing, registry, invoker, concurrency,
                            provisioned, async, urls, schedules, logs, state, options.arns(), clock))
                    .build()
                    .start();
            if (!webServer.isRunning() || webServer.port() < 0) {
                webServer.stop();
                throw new IllegalStateException("Ember cannot listen on " + options.host() + ':' + options.port()
                        + " (is the port in use?)");
            }
            var server = new EmberServer(options, resources, webServer);
            // Before the line that says the server is up: whoever waits for that line has seen the warning.
            isolation.logWhatIsNotEnforced();
            LOG.log(Level.INFO, "Ember listening on {0} (data: {1})", server.endpoint(), dataDir);
            return server;
        } catch (IOException e) {
            closeAll(resources);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            closeAll(resources);
            throw e;
        }
    }

    private static void deleteLogsIfGone(FunctionRegistry registry, FunctionLogs logs, String name) {
        try {
            registry.get(name, null);
        } catch (RuntimeException gone) {
            logs.delete(name);
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    /** The port the HTTP API listens on. */
    public int port() {
        return webServer.port();
    }

    /** The base URI of the HTTP API, e.g. {@code http://127.0.0.1:9000}. */
    public URI endpoint() {
        return URI.create("http://" + options.host() + ':' + port());
    }

    /** Blocks until the server is closed (e.g. by a shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting requests, destroys every environment and closes the store. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            webServer.stop();
        } finally {
            closeAll(resources);
            stopped.countDown();
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the server failed");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
