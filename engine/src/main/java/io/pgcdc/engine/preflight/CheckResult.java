package io.pgcdc.engine.preflight;

/**
 * One preflight verdict: {@code ok} (ready), {@code warn} (works, but something will bite) or
 * {@code FAIL} (pgcdc cannot run until it is fixed), with what was checked and, unless ok, the fix.
 */
public record CheckResult(Status status, String what, String fix) {

  /** Verdict of one check; only {@link #FAIL} makes {@code pgcdc check} exit non-zero. */
  public enum Status {
    OK("ok"), WARN("warn"), FAIL("FAIL");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public static CheckResult ok(String what) {
    return new CheckResult(Status.OK, what, null);
  }

  public static CheckResult warn(String what, String fix) {
    return new CheckResult(Status.WARN, what, fix);
  }

  public static CheckResult fail(String what, String fix) {
    return new CheckResult(Status.FAIL, what, fix);
  }

  public boolean failed() {
    return status == Status.FAIL;
  }

  /** {@code FAIL  wal_level is replica; fix: ALTER SYSTEM ...}: what {@code pgcdc check} prints. */
  public String line() {
    return String.format("%-4s  %s%s", status.label(), what, fix == null ? "" : "; fix: " + fix);
  }
}
