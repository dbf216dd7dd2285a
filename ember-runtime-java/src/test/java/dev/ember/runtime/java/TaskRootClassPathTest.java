package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function's code is found where AWS puts it: classes in LAMBDA_TASK_ROOT itself and jars in
 * LAMBDA_TASK_ROOT/lib. Both are compiled here, so they exist nowhere on the runtime's own class path.
 */
class TaskRootClassPathTest {

    @TempDir
    Path work;

    @Test
    void handlerInTaskRootUsesClassFromLibJar() throws Exception {
        Path taskRoot = Files.createDirectories(work.resolve("task"));
        Path libClasses = Files.createDirectories(work.resolve("lib-classes"));
        compile(libClasses, List.of(), "dyn/lib/Greeting.java", """
                package dyn.lib;

                public final class Greeting {
                    public static String of(String name) {
                        return "Hi " + name + " from lib";
                    }
                }
                """);
        jar(libClasses, Files.createDirectories(taskRoot.resolve("lib")).resolve("greeting.jar"));
        Files.writeString(taskRoot.resolve("lib/notes.txt"), "not a jar, ignored");
        compile(taskRoot, List.of(libClasses), "dyn/RootHandler.java", """
                package dyn;

                import com.amazonaws.services.lambda.runtime.Context;
                import com.amazonaws.services.lambda.runtime.RequestHandler;

                public class RootHandler implements RequestHandler<String, String> {
                    @Override
                    public String handleRequest(String name, Context context) {
                        boolean contextLoader = Thread.currentThread().getContextClassLoader()
                                == getClass().getClassLoader();
                        return dyn.lib.Greeting.of(name) + ", context loader " + contextLoader;
                    }
                }
                """);

        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("dyn.RootHandler::handleRequest", taskRoot)) {
            String requestId = runtime.invoke("\"Ada\"");

            assertThat(runtime.awaitResponse(requestId).text()).isEqualTo("\"Hi Ada from lib, context loader true\"");
        }
    }

    private static void compile(Path output, List<Path> classPath, String file, String source) throws IOException {
        // sources go next to the output directory, so the task root holds class files only
        Path sources = Files.createDirectories(output.getParent().resolve(output.getFileName() + "-src"));
        Path sourceFile = sources.resolve(file);
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, source);
        StringBuilder path = new StringBuilder(lambdaCoreJar().toString());
        classPath.forEach(entry -> path.append(java.io.File.pathSeparator).append(entry));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null,
                "-d", output.toString(), "-classpath", path.toString(), sourceFile.toString());
        assertThat(status).as("javac %s", file).isZero();
    }

    private static Path lambdaCoreJar() {
        try {
            return Path.of(RequestHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path path : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
        }
    }
}
