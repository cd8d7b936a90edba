package io.pgcdc.decoder.json;

/**
 * PostgreSQL's built-in data types: those with a fixed OID below 10000 in {@code pg_catalog}
 * (identical in every PostgreSQL version that has them), so values of these types render
 * without any catalog lookup.
 *
 * <p>Generated from PostgreSQL 15 with
 * {@code SELECT oid, typname, typtype, typcategory, CASE WHEN typlen = -1 THEN typelem ELSE 0 END,
 * typdelim FROM pg_type WHERE oid < 10000 AND typtype NOT IN ('p', 'c')} (pseudo-types and the
 * system catalogs' row types, and arrays of those, left out: a column never has the former, and
 * the latter are registered from the catalog like any other composite). OIDs added by later
 * versions (e.g. PostgreSQL 16+) simply arrive through the catalog query instead.
 *
 * <p>Immutable after class initialization; thread-safe.
 */
public final class BuiltinTypes {

  public static final int BOOL = 16;
  public static final int BYTEA = 17;
  public static final int CHAR = 18;
  public static final int NAME = 19;
  public static final int INT8 = 20;
  public static final int INT2 = 21;
  public static final int INT2VECTOR = 22;
  public static final int INT4 = 23;
  public static final int TEXT = 25;
  public static final int OID = 26;
  public static final int OIDVECTOR = 30;
  public static final int JSON = 114;
  public static final int FLOAT4 = 700;
  public static final int FLOAT8 = 701;
  public static final int MONEY = 790;
  public static final int BPCHAR = 1042;
  public static final int VARCHAR = 1043;
  public static final int DATE = 1082;
  public static final int TIME = 1083;
  public static final int TIMESTAMP = 1114;
  public static final int TIMESTAMPTZ = 1184;
  public static final int INTERVAL = 1186;
  public static final int TIMETZ = 1266;
  public static final int NUMERIC = 1700;
  public static final int UUID = 2950;
  public static final int JSONB = 3802;

  private static final PgType[] ALL = {
    row(16, "bool", 'b', 'B', 0, ','),
    row(17, "bytea", 'b', 'U', 0, ','),
    row(18, "char", 'b', 'Z', 0, ','),
    row(19, "name", 'b', 'S', 0, ','),
    row(20, "int8", 'b', 'N', 0, ','),
    row(21, "int2", 'b', 'N', 0, ','),
    row(22, "int2vector", 'b', 'A', 21, ','),
    row(23, "int4", 'b', 'N', 0, ','),
    row(24, "regproc", 'b', 'N', 0, ','),
    row(25, "text", 'b', 'S', 0, ','),
    row(26, "oid", 'b', 'N', 0, ','),
    row(27, "tid", 'b', 'U', 0, ','),
    row(28, "xid", 'b', 'U', 0, ','),
    row(29, "cid", 'b', 'U', 0, ','),
    row(30, "oidvector", 'b', 'A', 26, ','),
    row(114, "json", 'b', 'U', 0, ','),
    row(142, "xml", 'b', 'U', 0, ','),
    row(143, "_xml", 'b', 'A', 142, ','),
    row(194, "pg_node_tree", 'b', 'Z', 0, ','),
    row(199, "_json", 'b', 'A', 114, ','),
    row(271, "_xid8", 'b', 'A', 5069, ','),
    row(600, "point", 'b', 'G', 0, ','),
    row(601, "lseg", 'b', 'G', 0, ','),
    row(602, "path", 'b', 'G', 0, ','),
    row(603, "box", 'b', 'G', 0, ';'),
    row(604, "polygon", 'b', 'G', 0, ','),
    row(628, "line", 'b', 'G', 0, ','),
    row(629, "_line", 'b', 'A', 628, ','),
    row(650, "cidr", 'b', 'I', 0, ','),
    row(651, "_cidr", 'b', 'A', 650, ','),
    row(700, "float4", 'b', 'N', 0, ','),
    row(701, "float8", 'b', 'N', 0, ','),
    row(718, "circle", 'b', 'G', 0, ','),
    row(719, "_circle", 'b', 'A', 718, ','),
    row(774, "macaddr8", 'b', 'U', 0, ','),
    row(775, "_macaddr8", 'b', 'A', 774, ','),
    row(790, "money", 'b', 'N', 0, ','),
    row(791, "_money", 'b', 'A', 790, ','),
    row(829, "macaddr", 'b', 'U', 0, ','),
    row(869, "inet", 'b', 'I', 0, ','),
    row(1000, "_bool", 'b', 'A', 16, ','),
    row(1001, "_bytea", 'b', 'A', 17, ','),
    row(1002, "_char", 'b', 'A', 18, ','),
    row(1003, "_name", 'b', 'A', 19, ','),
    row(1005, "_int2", 'b', 'A', 21, ','),
    row(1006, "_int2vector", 'b', 'A', 22, ','),
    row(1007, "_int4", 'b', 'A', 23, ','),
    row(1008, "_regproc", 'b', 'A', 24, ','),
    row(1009, "_text", 'b', 'A', 25, ','),
    row(1010, "_tid", 'b', 'A', 27, ','),
    row(1011, "_xid", 'b', 'A', 28, ','),
    row(1012, "_cid", 'b', 'A', 29, ','),
    row(1013, "_oidvector", 'b', 'A', 30, ','),
    row(1014, "_bpchar", 'b', 'A', 1042, ','),
    row(1015, "_varchar", 'b', 'A', 1043, ','),
    row(1016, "_int8", 'b', 'A', 20, ','),
    row(1017, "_point", 'b', 'A', 600, ','),
    row(1018, "_lseg", 'b', 'A', 601, ','),
    row(1019, "_path", 'b', 'A', 602, ','),
    row(1020, "_box", 'b', 'A', 603, ';'),
    row(1021, "_float4", 'b', 'A', 700, ','),
    row(1022, "_float8", 'b', 'A', 701, ','),
    row(1027, "_polygon", 'b', 'A', 604, ','),
    row(1028, "_oid", 'b', 'A', 26, ','),
    row(1033, "aclitem", 'b', 'U', 0, ','),
    row(1034, "_aclitem", 'b', 'A', 1033, ','),
    row(1040, "_macaddr", 'b', 'A', 829, ','),
    row(1041, "_inet", 'b', 'A', 869, ','),
    row(1042, "bpchar", 'b', 'S', 0, ','),
    row(1043, "varchar", 'b', 'S', 0, ','),
    row(1082, "date", 'b', 'D', 0, ','),
    row(1083, "time", 'b', 'D', 0, ','),
    row(1114, "timestamp", 'b', 'D', 0, ','),
    row(1115, "_timestamp", 'b', 'A', 1114, ','),
    row(1182, "_date", 'b', 'A', 1082, ','),
    row(1183, "_time", 'b', 'A', 1083, ','),
    row(1184, "timestamptz", 'b', 'D', 0, ','),
    row(1185, "_timestamptz", 'b', 'A', 1184, ','),
    row(1186, "interval", 'b', 'T', 0, ','),
    row(1187, "_interval", 'b', 'A', 1186, ','),
    row(1231, "_numeric", 'b', 'A', 1700, ','),
    row(1263, "_cstring", 'b', 'A', 2275, ','),
    row(1266, "timetz", 'b', 'D', 0, ','),
    row(1270, "_timetz", 'b', 'A', 1266, ','),
    row(1560, "bit", 'b', 'V', 0, ','),
    row(1561, "_bit", 'b', 'A', 1560, ','),
    row(1562, "varbit", 'b', 'V', 0, ','),
    row(1563, "_varbit", 'b', 'A', 1562, ','),
    row(1700, "numeric", 'b', 'N', 0, ','),
    row(1790, "refcursor", 'b', 'U', 0, ','),
    row(2201, "_refcursor", 'b', 'A', 1790, ','),
    row(2202, "regprocedure", 'b', 'N', 0, ','),
    row(2203, "regoper", 'b', 'N', 0, ','),
    row(2204, "regoperator", 'b', 'N', 0, ','),
    row(2205, "regclass", 'b', 'N', 0, ','),
    row(2206, "regtype", 'b', 'N', 0, ','),
    row(2207, "_regprocedure", 'b', 'A', 2202, ','),
    row(2208, "_regoper", 'b', 'A', 2203, ','),
    row(2209, "_regoperator", 'b', 'A', 2204, ','),
    row(2210, "_regclass", 'b', 'A', 2205, ','),
    row(2211, "_regtype", 'b', 'A', 2206, ','),
    row(2949, "_txid_snapshot", 'b', 'A', 2970, ','),
    row(2950, "uuid", 'b', 'U', 0, ','),
    row(2951, "_uuid", 'b', 'A', 2950, ','),
    row(2970, "txid_snapshot", 'b', 'U', 0, ','),
    row(3220, "pg_lsn", 'b', 'U', 0, ','),
    row(3221, "_pg_lsn", 'b', 'A', 3220, ','),
    row(3361, "pg_ndistinct", 'b', 'Z', 0, ','),
    row(3402, "pg_dependencies", 'b', 'Z', 0, ','),
    row(3614, "tsvector", 'b', 'U', 0, ','),
    row(3615, "tsquery", 'b', 'U', 0, ','),
    row(3642, "gtsvector", 'b', 'U', 0, ','),
    row(3643, "_tsvector", 'b', 'A', 3614, ','),
    row(3644, "_gtsvector", 'b', 'A', 3642, ','),
    row(3645, "_tsquery", 'b', 'A', 3615, ','),
    row(3734, "regconfig", 'b', 'N', 0, ','),
    row(3735, "_regconfig", 'b', 'A', 3734, ','),
    row(3769, "regdictionary", 'b', 'N', 0, ','),
    row(3770, "_regdictionary", 'b', 'A', 3769, ','),
    row(3802, "jsonb", 'b', 'U', 0, ','),
    row(3807, "_jsonb", 'b', 'A', 3802, ','),
    row(3904, "int4range", 'r', 'R', 0, ','),
    row(3905, "_int4range", 'b', 'A', 3904, ','),
    row(3906, "numrange", 'r', 'R', 0, ','),
    row(3907, "_numrange", 'b', 'A', 3906, ','),
    row(3908, "tsrange", 'r', 'R', 0, ','),
    row(3909, "_tsrange", 'b', 'A', 3908, ','),
    row(3910, "tstzrange", 'r', 'R', 0, ','),
    row(3911, "_tstzrange", 'b', 'A', 3910, ','),
    row(3912, "daterange", 'r', 'R', 0, ','),
    row(3913, "_daterange", 'b', 'A', 3912, ','),
    row(3926, "int8range", 'r', 'R', 0, ','),
    row(3927, "_int8range", 'b', 'A', 3926, ','),
    row(4072, "jsonpath", 'b', 'U', 0, ','),
    row(4073, "_jsonpath", 'b', 'A', 4072, ','),
    row(4089, "regnamespace", 'b', 'N', 0, ','),
    row(4090, "_regnamespace", 'b', 'A', 4089, ','),
    row(4096, "regrole", 'b', 'N', 0, ','),
    row(4097, "_regrole", 'b', 'A', 4096, ','),
    row(4191, "regcollation", 'b', 'N', 0, ','),
    row(4192, "_regcollation", 'b', 'A', 4191, ','),
    row(4451, "int4multirange", 'm', 'R', 0, ','),
    row(4532, "nummultirange", 'm', 'R', 0, ','),
    row(4533, "tsmultirange", 'm', 'R', 0, ','),
    row(4534, "tstzmultirange", 'm', 'R', 0, ','),
    row(4535, "datemultirange", 'm', 'R', 0, ','),
    row(4536, "int8multirange", 'm', 'R', 0, ','),
    row(4600, "pg_brin_bloom_summary", 'b', 'Z', 0, ','),
    row(4601, "pg_brin_minmax_multi_summary", 'b', 'Z', 0, ','),
    row(5017, "pg_mcv_list", 'b', 'Z', 0, ','),
    row(5038, "pg_snapshot", 'b', 'U', 0, ','),
    row(5039, "_pg_snapshot", 'b', 'A', 5038, ','),
    row(5069, "xid8", 'b', 'U', 0, ','),
    row(6150, "_int4multirange", 'b', 'A', 4451, ','),
    row(6151, "_nummultirange", 'b', 'A', 4532, ','),
    row(6152, "_tsmultirange", 'b', 'A', 4533, ','),
    row(6153, "_tstzmultirange", 'b', 'A', 4534, ','),
    row(6155, "_datemultirange", 'b', 'A', 4535, ','),
    row(6157, "_int8multirange", 'b', 'A', 4536, ',')
  };

  private BuiltinTypes() {
  }

  /** Every built-in type, in OID order. The array is a copy. */
  public static PgType[] all() {
    return ALL.clone();
  }

  /** The built-in type with this OID, or {@code null} when the OID is not built in. */
  public static PgType type(int oid) {
    for (PgType type : ALL) {
      if (type.oid() == oid) {
        return type;
      }
    }
    return null;
  }

  private static PgType row(int oid, String name, char typtype, char category, int elementOid,
      char delimiter) {
    return PgType.builtin(oid, name, typtype, category, elementOid, delimiter);
  }
}
