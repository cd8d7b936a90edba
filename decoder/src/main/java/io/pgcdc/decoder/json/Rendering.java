package io.pgcdc.decoder.json;

/**
 * How values of one type become JSON: the type resolved once (domains to their base, arrays to
 * their element, composites to their attributes) into the shape {@code to_json()} gives it, so
 * that {@link ValueRenderer} decides with one field read per value.
 *
 * <p>Immutable once {@link TypeRegistry} publishes it (composite fields are filled in right
 * after construction, before publication, because a composite may be reached again while its
 * own attributes are being resolved).
 */
final class Rendering {

  /** The JSON shape of a type, after PostgreSQL's {@code json_categorize_type()}. */
  enum Kind {
    /** int2/int4/int8/float4/float8/numeric: the text when it is a JSON number, else a string. */
    NUMBER,
    /** bool: {@code t}/{@code f} become {@code true}/{@code false}. */
    BOOLEAN,
    /** Everything else: the text as a JSON string, escaped like {@code escape_json()}. */
    STRING,
    /** json and jsonb: the text embedded as it is. */
    JSON,
    /** timestamp: {@code ' '} between date and time becomes {@code 'T'}. */
    TIMESTAMP,
    /** timestamptz: like timestamp, and the offset always has minutes ({@code +00:00}). */
    TIMESTAMPTZ,
    /** A true array type: {@code {...}} text becomes nested JSON arrays. */
    ARRAY,
    /** int2vector/oidvector: space-separated elements become a JSON array. */
    VECTOR,
    /** A composite type: {@code (...)} text becomes an object keyed by attribute name. */
    COMPOSITE,
    /** The hstore extension type, which to_json() renders through its cast to json. */
    HSTORE
  }

  static final Rendering NUMBER = new Rendering(Kind.NUMBER, null, (byte) ',');
  static final Rendering BOOLEAN = new Rendering(Kind.BOOLEAN, null, (byte) ',');
  static final Rendering STRING = new Rendering(Kind.STRING, null, (byte) ',');
  static final Rendering JSON = new Rendering(Kind.JSON, null, (byte) ',');
  static final Rendering TIMESTAMP = new Rendering(Kind.TIMESTAMP, null, (byte) ',');
  static final Rendering TIMESTAMPTZ = new Rendering(Kind.TIMESTAMPTZ, null, (byte) ',');
  static final Rendering HSTORE = new Rendering(Kind.HSTORE, null, (byte) ',');

  final Kind kind;
  /** Element rendering of an ARRAY or VECTOR. */
  final Rendering element;
  /** Element separator inside array text: the element type's {@code typdelim}. */
  final byte delimiter;
  /** COMPOSITE: attribute names, quoted and escaped like {@code escape_json()}. */
  FieldName[] fieldNames;
  /** COMPOSITE: attribute renderings, parallel to {@link #fieldNames}. */
  Rendering[] fields;

  private Rendering(Kind kind, Rendering element, byte delimiter) {
    this.kind = kind;
    this.element = element;
    this.delimiter = delimiter;
  }

  static Rendering array(Rendering element, char delimiter) {
    return new Rendering(Kind.ARRAY, element, (byte) delimiter);
  }

  static Rendering vector(Rendering element) {
    return new Rendering(Kind.VECTOR, element, (byte) ' ');
  }

  static Rendering composite() {
    return new Rendering(Kind.COMPOSITE, null, (byte) ',');
  }
}
