package io.pgcdc.ha;

/**
 * The znodes of one cluster. Everything lives under {@code /pgcdc/<cluster.name>}:
 *
 * <pre>
 * /pgcdc/&lt;name&gt;/epoch              persistent, "epoch=N\nnode=ID"; CAS on its version per win
 * /pgcdc/&lt;name&gt;/retired            persistent, "below=N\nnode=ID"; epochs below N are fenced off
 * /pgcdc/&lt;name&gt;/leader/_c_…-lock-N  ephemeral sequential, LeaderSelector's mutex; lowest N leads
 * /pgcdc/&lt;name&gt;/members/&lt;nodeId&gt;   ephemeral, {@link Member#encode()}
 * </pre>
 */
public record ClusterPaths(String root) {

  public static ClusterPaths of(String clusterName) {
    return new ClusterPaths("/pgcdc/" + clusterName);
  }

  public String epoch() {
    return root + "/epoch";
  }

  /** Where {@link RetiredEpochs} keeps the lowest epoch that may still own broker resources. */
  public String retired() {
    return root + "/retired";
  }

  public String leader() {
    return root + "/leader";
  }

  public String members() {
    return root + "/members";
  }

  public String member(String nodeId) {
    return members() + "/" + nodeId;
  }
}
