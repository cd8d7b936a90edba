package io.pgcdc.engine;

import java.util.function.LongPredicate;

/**
 * The leadership term a pipeline publishes under: the epoch stamped on every message
 * ({@code pgcdc-epoch}) and the fence checked before every publish.
 *
 * @param epoch     0 standalone; the cluster epoch won by this node otherwise
 * @param isLeading true while this node may publish under {@code epoch} (e.g.
 *                  {@code clusterNode::isLeading}); must be a cheap volatile read, it runs per message
 */
public record Term(long epoch, LongPredicate isLeading) {

  /** A standalone node: epoch 0, always allowed to publish. */
  public static Term standalone() {
    return new Term(0, epoch -> true);
  }

  /** True while messages may be published under this term. */
  public boolean leading() {
    return isLeading.test(epoch);
  }
}
