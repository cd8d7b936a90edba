package io.pgcdc.decoder.json;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OID to {@link PgType}, and to how {@link ValueRenderer} renders values of that type.
 *
 * <p>Starts with every {@link BuiltinTypes built-in type}; the engine adds the rest (enums,
 * domains, composites, ranges, extension types, their arrays) from {@link TypeCatalog#QUERY}
 * through {@link #registerAll}. A type that is still unknown renders as its text, as a JSON
 * string — right for enums, ranges and most extension types, wrong for domains over numbers,
 * arrays and composites, so the engine must register types before their rows are rendered.
 *
 * <p>Threading: lookups ({@link #type}, {@link #knows}, and the renderer's hot-path lookup)
 * take no lock and allocate nothing; they read an immutable snapshot through one volatile
 * field. Registration may happen on any thread: it is serialized, rebuilds the snapshot
 * (domains resolved to their base type, arrays to their element, composites to their
 * attributes, whatever the registration order) and publishes it. Registration is rare (start,
 * new types), so copy-on-write costs nothing where it matters.
 *
 * <pre>
 *   registerAll(types) --(synchronized)--> rebuild Snapshot --volatile write--> snapshot
 *   decode thread: snapshot.renderings.get(oid) -> Rendering (kind, element, fields)
 * </pre>
 */
public final class TypeRegistry {
  /** Nesting beyond this (domain of domain of ...) is treated as a cycle and rendered as text. */
  private static final int MAX_DEPTH = 32;
  /** PostgreSQL's FirstNormalObjectId: OIDs of user-created objects start here. */
  private static final int FIRST_NORMAL_OID = 16384;

  private final Map<Integer, PgType> registered = new LinkedHashMap<>();
  private volatile Snapshot snapshot;

  /** A registry that knows the built-in types. */
  public TypeRegistry() {
    snapshot = Snapshot.build(List.of());
  }

  /**
   * Whether {@code oid} is of an object created after initdb (a user's or an extension's type):
   * PostgreSQL's FirstNormalObjectId and up, compared unsigned as OIDs are.
   */
  public static boolean isUserDefined(int oid) {
    return Integer.compareUnsigned(oid, FIRST_NORMAL_OID) >= 0;
  }

  /** The type with this OID, or {@code null} when it is neither built in nor registered. */
  public PgType type(int oid) {
    return snapshot.types.get(oid);
  }

  /** Whether {@link #type} knows this OID. */
  public boolean knows(int oid) {
    return snapshot.types.get(oid) != null;
  }

  /** Adds or replaces one type. */
  public void register(PgType type) {
    registerAll(List.of(type));
  }

  /**
   * Adds or replaces these types (replacing by OID, e.g. after ALTER TYPE), in one publication.
   *
   * @return true when a type was new or differs from what was registered under its OID
   */
  public synchronized boolean registerAll(Collection<PgType> types) {
    boolean changed = false;
    for (PgType type : types) {
      changed |= !type.equals(registered.put(type.oid(), type));
    }
    if (changed) {
      snapshot = Snapshot.build(registered.values());
    }
    return changed;
  }

  /** How to render values of this type; text as a JSON string when the type is unknown. */
  Rendering rendering(int oid) {
    Rendering rendering = snapshot.renderings.get(oid);
    return rendering != null ? rendering : Rendering.STRING;
  }

  /** Immutable after {@link #build}. */
  private static final class Snapshot {
    final IntMap<PgType> types;
    final IntMap<Rendering> renderings;

    private Snapshot(IntMap<PgType> types, IntMap<Rendering> renderings) {
      this.types = types;
      this.renderings = renderings;
    }

    static Snapshot build(Collection<PgType> extra) {
      PgType[] builtins = BuiltinTypes.all();
      IntMap<PgType> types = new IntMap<>(builtins.length + extra.size());
      for (PgType type : builtins) {
        types.put(type.oid(), type);
      }
      for (PgType type : extra) {
        types.put(type.oid(), type);
      }
      IntMap<Rendering> renderings = new IntMap<>(builtins.length + extra.size());
      Resolver resolver = new Resolver(types, renderings);
      for (PgType type : builtins) {
        resolver.resolve(type.oid(), 0);
      }
      for (PgType type : extra) {
        resolver.resolve(type.oid(), 0);
      }
      return new Snapshot(types, renderings);
    }
  }

  /**
   * Mirrors PostgreSQL's {@code json_categorize_type()}: domains render as their base type;
   * bool, the six numeric types, json/jsonb, timestamp and timestamptz have their own
   * renderings; true arrays and composites are structured; everything else (date included,
   * whose JSON form equals its ISO text) is a string.
   */
  private record Resolver(IntMap<PgType> types, IntMap<Rendering> renderings) {

    Rendering resolve(int oid, int depth) {
      Rendering known = renderings.get(oid);
      if (known != null) {
        return known;
      }
      PgType type = types.get(oid);
      if (type == null || depth > MAX_DEPTH) {
        return Rendering.STRING;
      }
      Rendering rendering = builtinRendering(oid);
      if (rendering == null) {
        rendering = structuredRendering(type, depth);
      }
      if (rendering.kind != Rendering.Kind.COMPOSITE) {
        renderings.put(oid, rendering);
      }
      return rendering;
    }

    private Rendering structuredRendering(PgType type, int depth) {
      if (type.isDomain()) {
        return resolve(type.baseOid(), depth + 1);
      }
      if (type.oid() == BuiltinTypes.INT2VECTOR || type.oid() == BuiltinTypes.OIDVECTOR) {
        return Rendering.vector(resolve(type.elementOid(), depth + 1));
      }
      if (type.isArray()) {
        PgType element = types.get(type.elementOid());
        char delimiter = element != null ? element.delimiter() : ',';
        return Rendering.array(resolve(type.elementOid(), depth + 1), delimiter);
      }
      if (type.isComposite()) {
        return composite(type, depth);
      }
      if (isHstore(type)) {
        return Rendering.HSTORE;
      }
      return Rendering.STRING;
    }

    private Rendering composite(PgType type, int depth) {
      Rendering composite = Rendering.composite();
      // Published before its fields are resolved, so a type reached again through its own
      // attributes resolves to this same instance instead of recursing forever.
      renderings.put(type.oid(), composite);
      List<PgType.Attribute> attributes = type.attributes();
      FieldName[] names = new FieldName[attributes.size()];
      Rendering[] fields = new Rendering[attributes.size()];
      for (int i = 0; i < fields.length; i++) {
        names[i] = new FieldName(attributes.get(i).name());
        fields[i] = resolve(attributes.get(i).typeOid(), depth + 1);
      }
      composite.fieldNames = names;
      composite.fields = fields;
      return composite;
    }

    /**
     * to_json() honours casts to json of non-built-in types; of the contrib extensions only
     * hstore has one. Its OID differs per database, hence the name.
     */
    private static boolean isHstore(PgType type) {
      return type.typtype() == 'b' && "hstore".equals(type.name())
          && isUserDefined(type.oid());
    }

    private static Rendering builtinRendering(int oid) {
      return switch (oid) {
        case BuiltinTypes.BOOL -> Rendering.BOOLEAN;
        case BuiltinTypes.INT2, BuiltinTypes.INT4, BuiltinTypes.INT8, BuiltinTypes.FLOAT4,
            BuiltinTypes.FLOAT8, BuiltinTypes.NUMERIC -> Rendering.NUMBER;
        case BuiltinTypes.JSON, BuiltinTypes.JSONB -> Rendering.JSON;
        case BuiltinTypes.TIMESTAMP -> Rendering.TIMESTAMP;
        case BuiltinTypes.TIMESTAMPTZ -> Rendering.TIMESTAMPTZ;
        default -> null;
      };
    }
  }
}
