package dev.ember.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: Ember's version from the jar's Maven descriptor, and the Java running it. */
final class EmberVersion implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/dev.ember/ember-server/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"ember " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** The version Maven built, or {@code development build} when running from classes rather than the jar. */
    static String version() {
        try (InputStream in = EmberVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                var properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "development build");
            }
        } catch (IOException unreadable) {
            // fall through to the development build
        }
        return "development build";
    }
}
