package io.pgcdc.ha;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * One ordered log of leadership callbacks across all nodes of a test, so that tests can assert
 * "A stopped before B started". Appends are atomic; the order is the order the callbacks ran.
 */
final class EventLog {
  enum Kind { ELECTED, SUSPENDED, REVOKED }

  record Event(String nodeId, Kind kind, long epoch, RevokeReason reason) {
    @Override
    public String toString() {
      return nodeId + ":" + kind + "(" + epoch + (reason == null ? "" : "," + reason) + ")";
    }
  }

  private final List<Event> events = new CopyOnWriteArrayList<>();

  /** A listener for node {@code nodeId} that appends to this log. */
  LeadershipListener listener(String nodeId) {
    return new LeadershipListener() {
      @Override
      public void onElected(long epoch) {
        events.add(new Event(nodeId, Kind.ELECTED, epoch, null));
      }

      @Override
      public void onSuspended(long epoch) {
        events.add(new Event(nodeId, Kind.SUSPENDED, epoch, null));
      }

      @Override
      public void onRevoked(long epoch, RevokeReason reason) {
        events.add(new Event(nodeId, Kind.REVOKED, epoch, reason));
      }
    };
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Long> electedEpochs() {
    return events.stream().filter(e -> e.kind() == Kind.ELECTED).map(Event::epoch).collect(Collectors.toList());
  }

  /** Index of the first event matching, or -1. */
  int indexOf(String nodeId, Kind kind, long epoch) {
    List<Event> snapshot = events();
    for (int i = 0; i < snapshot.size(); i++) {
      Event e = snapshot.get(i);
      if (e.nodeId().equals(nodeId) && e.kind() == kind && e.epoch() == epoch) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return events.toString();
  }
}
