/**
 * pgcdc's configuration: one immutable {@link io.pgcdc.engine.config.PgcdcConfig} built from
 * YAML, the environment and defaults, validated as a whole.
 *
 * <p>Threads: none of its own. Loading happens once, on the caller's thread, before anything
 * starts; the result is immutable and shared freely.
 *
 * <pre>
 *  pgcdc.yaml ──► Jackson YAML tree ──► ${VAR} substitution ─┐
 *                                                            ├─► ConfigReader (raw text per ConfigKey)
 *  PGCDC_SOURCE_URL, PGCDC_SINK_RABBITMQ_URI, ... ───────────┘        │  typed getters, range checks,
 *  PGHOST / PGPORT / PGDATABASE / PGUSER / PGPASSWORD (fallbacks) ───┤  every problem collected
 *                                                                     ▼
 *                  PgcdcConfig(Source, RabbitMq, JournalConfig, Optional&lt;ClusterConfig&gt;, Metrics)
 *                  or ConfigException("key=value: what (how)\n...")
 * </pre>
 *
 * Precedence, highest first: {@code PGCDC_*} variable, YAML value, libpq variable, default.
 * Passwords ({@code source.password}, the one inside {@code sink.rabbitmq.uri}) never appear in
 * {@code toString()} or in error messages.
 */
package io.pgcdc.engine.config;
