package dev.ember.registry;

/** Told after a change of a function has committed, so holders of derived state (warm environments) can drop it. */
@FunctionalInterface
public interface RegistryListener {
    /**
     * @param functionName the function whose code, configuration, versions or aliases changed
     * @param deleted      true when the function (or one of its versions) was deleted
     */
    void functionChanged(String functionName, boolean deleted);
}
