package dev.ember.state.client;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plain JSON values ({@link Json#read}) converted to the type a caller asks for. Exact: a number converts to a
 * number type only if it is that number there ({@code 3.0} is an {@code int}, {@code 3.5} is not); a record is made
 * from an object by component name, a missing component is null (0 or false for primitives), and extra members are
 * ignored, so records may grow and shrink as stored data outlives them.
 */
final class Values {
    private Values() {
    }

    /** {@code value} as {@code type}; {@code path} names where it is for messages ({@code cart.items[2].price}). */
    static Object convert(Object value, Type type, String path) {
        Class<?> raw = raw(type);
        if (value == null) {
            if (raw.isPrimitive()) {
                throw mismatch(path, null, raw);
            }
            return null;
        }
        if (raw == Object.class) {
            return value;
        }
        if (raw == String.class) {
            if (value instanceof String s) {
                return s;
            }
            throw mismatch(path, value, raw);
        }
        if (raw == Boolean.class || raw == boolean.class) {
            if (value instanceof Boolean b) {
                return b;
            }
            throw mismatch(path, value, raw);
        }
        if (Number.class.isAssignableFrom(raw) || (raw.isPrimitive() && raw != char.class && raw != void.class)) {
            if (value instanceof Number n) {
                return number(n, raw, path);
            }
            throw mismatch(path, value, raw);
        }
        if (raw.isEnum()) {
            if (value instanceof String s) {
                for (Object constant : raw.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals(s)) {
                        return constant;
                    }
                }
            }
            throw mismatch(path, value, raw);
        }
        if (raw.isRecord()) {
            if (value instanceof Map<?, ?> members) {
                return record(members, raw, path);
            }
            throw mismatch(path, value, raw);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (value instanceof Map<?, ?> members && raw.isAssignableFrom(LinkedHashMap.class)) {
                Type valueType = argument(type, 1);
                Map<String, Object> converted = new LinkedHashMap<>();
                members.forEach((name, member) -> converted.put((String) name,
                        convert(member, valueType, path + "." + name)));
                return converted;
            }
            throw mismatch(path, value, raw);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            if (value instanceof List<?> items) {
                Type itemType = argument(type, 0);
                Collection<Object> converted = raw.isAssignableFrom(ArrayList.class) ? new ArrayList<>()
                        : raw.isAssignableFrom(LinkedHashSet.class) ? new LinkedHashSet<>() : null;
                if (converted != null) {
                    for (int i = 0; i < items.size(); i++) {
                        converted.add(convert(items.get(i), itemType, path + "[" + i + "]"));
                    }
                    return converted;
                }
            }
            throw mismatch(path, value, raw);
        }
        throw new IllegalStateException("cannot convert JSON to a " + raw.getName() + " (at " + path + "): ask for "
                + "a String, number, Boolean, Map, List, Set, enum, record or Object");
    }

    private static Object number(Number n, Class<?> raw, String path) {
        try {
            BigDecimal exact = n instanceof BigDecimal d ? d
                    : n instanceof BigInteger i ? new BigDecimal(i)
                    : n instanceof Double d ? new BigDecimal(d)
                    : BigDecimal.valueOf(n.longValue());
            if (raw == BigDecimal.class) {
                return exact;
            }
            if (raw == Double.class || raw == double.class) {
                double d = n.doubleValue();
                if (Double.isFinite(d)) {
                    return d;
                }
            } else if (raw == Float.class || raw == float.class) {
                float f = n.floatValue();
                if (Float.isFinite(f)) {
                    return f;
                }
            } else if (raw == BigInteger.class) {
                return exact.toBigIntegerExact();
            } else if (raw == Long.class || raw == long.class) {
                return exact.longValueExact();
            } else if (raw == Integer.class || raw == int.class) {
                return exact.intValueExact();
            } else if (raw == Short.class || raw == short.class) {
                return exact.shortValueExact();
            } else if (raw == Byte.class || raw == byte.class) {
                return exact.byteValueExact();
            } else if (raw == Number.class) {
                return n;
            }
        } catch (ArithmeticException notExact) {
            // reported below
        }
        throw mismatch(path, n, raw);
    }

    private static Object record(Map<?, ?> members, Class<?> type, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            Object member = members.get(components[i].getName());
            if (member == null && types[i].isPrimitive()) {
                arguments[i] = types[i] == boolean.class ? Boolean.FALSE : number(0L, types[i], path);
            } else {
                arguments[i] = convert(member, components[i].getGenericType(), path + "." + components[i].getName());
            }
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(arguments);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("cannot make a " + type.getName() + " of the value at " + path + ": "
                    + cause, cause);
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class; // a type variable or wildcard: whatever the JSON is
    }

    private static Type argument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            Type argument = p.getActualTypeArguments()[index];
            if (argument instanceof java.lang.reflect.WildcardType w) {
                return w.getUpperBounds().length > 0 ? w.getUpperBounds()[0] : Object.class;
            }
            return argument;
        }
        return Object.class;
    }

    private static IllegalStateException mismatch(String path, Object value, Class<?> type) {
        return new IllegalStateException("the value of " + path + " is " + describe(value) + ", not "
                + article(type));
    }

    /** What a JSON value is, for messages: {@code an object}, {@code the number 2.5}, {@code the string "x"}. */
    static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "the string " + Json.write(s.length() > 40 ? s.substring(0, 40) + "…" : s);
            case Boolean b -> b.toString();
            default -> "the number " + value;
        };
    }

    private static String article(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == Long.class || type == long.class) {
            return "a 64-bit integer (long)";
        }
        if (type == Integer.class || type == int.class) {
            return "a 32-bit integer (int)";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return Set.class.isAssignableFrom(type) ? "an array (for a Set)" : "an array";
        }
        String name = type.getSimpleName();
        return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }
}
