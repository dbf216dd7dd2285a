package dev.ember.api;

import dev.ember.async.AsyncInvocations;
import dev.ember.invoke.ConcurrencyControls;
import dev.ember.invoke.Invoker;
import dev.ember.invoke.ProvisionedConcurrency;
import dev.ember.lambda.Arns;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.schedule.Schedules;
import dev.ember.state.FunctionState;
import dev.ember.telemetry.FunctionLogs;
import dev.ember.url.FunctionUrls;
import io.helidon.http.Method;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.HttpRouting;
import java.lang.System.Logger.Level;
import java.time.InstantSource;

/**
 * Ember's HTTP API on one routing: Lambda's control plane and Invoke API with AWS's paths and shapes, and Ember's
 * own endpoints under {@code /ember/v1}. Every failure leaves as a Lambda error.
 */
public final class LambdaHttpApi {
    private static final System.Logger LOG = System.getLogger(LambdaHttpApi.class.getName());

    /** The largest request any route accepts (CreateFunction with a 50 MB zip in base64); routes check their own. */
    public static final long MAX_REQUEST_BYTES = ControlPlane.MAX_CODE_REQUEST_BYTES;

    private LambdaHttpApi() {
    }

    /** Adds every route and the error mapping to {@code routing}. */
    public static void register(HttpRouting.Builder routing, FunctionRegistry registry, Invoker invoker,
                                ConcurrencyControls concurrency, ProvisionedConcurrency provisioned,
                                AsyncInvocations async, FunctionUrls urls, Schedules schedules,
                                FunctionLogs logs, FunctionState state, Arns arns, InstantSource clock) {
        var functionUrls = new FunctionUrlServer(urls, invoker, arns, clock);
        routing.addFilter((chain, req, res) -> {
            // AWS answers every request with its id.
            RequestId id = RequestId.create();
            req.context().register(id);
            res.header(Exchanges.REQUEST_ID, id.value());
            chain.proceed();
        })
                .addFilter(functionUrls::filter)
                .register(new ControlPlane(registry, concurrency, arns))
                .register(new ConcurrencyApi(concurrency))
                .register(new ProvisionedConcurrencyApi(provisioned, invoker, arns))
                .register(new InvokeApi(invoker, async, registry))
                .register(new AsyncApi(async, arns))
                .register(new FunctionUrlApi(urls, arns))
                .register(functionUrls)
                .register(new EventBridgeApi(schedules))
                .register(new LogsApi(registry, logs))
                .register(new ScalingApi(invoker))
                .register(new StateApi(state))
                .error(LambdaException.class, (req, res, e) -> Exchanges.sendError(res, e))
                .error(RuntimeException.class, (req, res, e) -> {
                    // The caller gets the request's id, the log gets the details: internals stay inside.
                    String incident = RequestId.of(req);
                    LOG.log(Level.ERROR, "Request " + req.prologue().method().text() + ' ' + req.path().path()
                            + " failed (incident " + incident + ")", e);
                    Exchanges.sendError(res, LambdaException.of(ErrorType.SERVICE,
                            "Ember failed to handle the request; see the server log for incident %s", incident));
                })
                .route(Method.predicate(Method.GET, Method.POST, Method.PUT, Method.DELETE), PathMatchers.any(),
                        (req, res) -> Exchanges.sendError(res,
                                LambdaException.of(ErrorType.RESOURCE_NOT_FOUND, "Unknown operation %s %s",
                                        req.prologue().method().text(), req.path().path())));
    }
}
