package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.IOException;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/** The {@link Context} of one invocation. */
final class InvocationContext implements Context {

    private final FunctionEnvironment function;
    private final Invocation invocation;
    private final LambdaLogger logger;
    private final CognitoIdentity identity;
    private final ClientContext clientContext;
    private final InstantSource clock;

    private InvocationContext(FunctionEnvironment function, Invocation invocation, LambdaLogger logger,
            CognitoIdentity identity, ClientContext clientContext, InstantSource clock) {
        this.function = function;
        this.invocation = invocation;
        this.logger = logger;
        this.identity = identity;
        this.clientContext = clientContext;
        this.clock = clock;
    }

    /**
     * The context of {@code invocation}, with the mobile SDK's identity and client context parsed from their
     * headers when present.
     *
     * @param clock what {@link #getRemainingTimeInMillis()} measures against the deadline; the system clock in the
     *              runtime, a fixed one in tests
     * @throws IOException if one of those headers is not the JSON object the mobile SDK sends
     */
    static InvocationContext of(FunctionEnvironment function, Invocation invocation, LambdaLogger logger,
            InstantSource clock) throws IOException {
        return new InvocationContext(function, invocation, logger,
                parseIdentity(invocation.cognitoIdentity()), parseClientContext(invocation.clientContext()), clock);
    }

    @Override
    public String getAwsRequestId() {
        return invocation.requestId();
    }

    @Override
    public String getLogGroupName() {
        return function.logGroup();
    }

    @Override
    public String getLogStreamName() {
        return function.logStream();
    }

    @Override
    public String getFunctionName() {
        return function.functionName();
    }

    @Override
    public String getFunctionVersion() {
        return function.version();
    }

    @Override
    public String getInvokedFunctionArn() {
        return invocation.invokedFunctionArn();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return identity;
    }

    @Override
    public ClientContext getClientContext() {
        return clientContext;
    }

    /** Milliseconds until the deadline, 0 once it has passed. */
    @Override
    public int getRemainingTimeInMillis() {
        long remaining = invocation.deadlineMillis() - clock.millis();
        return remaining <= 0 ? 0 : (int) Math.min(remaining, Integer.MAX_VALUE);
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memoryMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    @Override
    public String getTenantId() {
        return invocation.tenantId();
    }

    @Override
    public String getXrayTraceId() {
        return invocation.traceId();
    }

    /** {@code {"cognitoIdentityId": ..., "cognitoIdentityPoolId": ...}} */
    private static CognitoIdentity parseIdentity(String header) throws IOException {
        if (header == null || header.isEmpty()) {
            return null;
        }
        Map<String, Object> json = JsonCodec.readObject(header);
        return new Identity(text(json.get("cognitoIdentityId")), text(json.get("cognitoIdentityPoolId")));
    }

    /** {@code {"client": {"installation_id": ..., ...}, "custom": {...}, "env": {...}}} */
    private static ClientContext parseClientContext(String header) throws IOException {
        if (header == null || header.isEmpty()) {
            return null;
        }
        Map<String, Object> json = JsonCodec.readObject(header);
        Client client = json.get("client") instanceof Map<?, ?> c
                ? new MobileClient(text(c.get("installation_id")), text(c.get("app_title")),
                        text(c.get("app_version_name")), text(c.get("app_version_code")),
                        text(c.get("app_package_name")))
                : null;
        return new MobileClientContext(client, textMap(json.get("custom")), textMap(json.get("env")));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Map<String, String> textMap(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, String> texts = new HashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            texts.put(String.valueOf(entry.getKey()), text(entry.getValue()));
        }
        return texts;
    }

    private record Identity(String identityId, String identityPoolId) implements CognitoIdentity {
        @Override
        public String getIdentityId() {
            return identityId;
        }

        @Override
        public String getIdentityPoolId() {
            return identityPoolId;
        }
    }

    private record MobileClient(String installationId, String appTitle, String appVersionName,
            String appVersionCode, String appPackageName) implements Client {
        @Override
        public String getInstallationId() {
            return installationId;
        }

        @Override
        public String getAppTitle() {
            return appTitle;
        }

        @Override
        public String getAppVersionName() {
            return appVersionName;
        }

        @Override
        public String getAppVersionCode() {
            return appVersionCode;
        }

        @Override
        public String getAppPackageName() {
            return appPackageName;
        }
    }

    private record MobileClientContext(Client client, Map<String, String> custom, Map<String, String> environment)
            implements ClientContext {
        @Override
        public Client getClient() {
            return client;
        }

        @Override
        public Map<String, String> getCustom() {
            return custom;
        }

        @Override
        public Map<String, String> getEnvironment() {
            return environment;
        }
    }
}
