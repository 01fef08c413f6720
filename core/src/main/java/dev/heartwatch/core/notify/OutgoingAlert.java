package dev.heartwatch.core.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One message the aggregation policy decided to send: about one device, or a digest of many. */
public sealed interface OutgoingAlert permits OutgoingAlert.Single, OutgoingAlert.Digest {

    AlertCondition condition();

    /** The thread the message belongs to (mail In-Reply-To, one GitHub issue per outage). */
    String threadKey();

    /** Every raised notification this message speaks for. */
    List<RaisedAlert> covers();

    /**
     * A message about one device, with the checks folded behind it ("home is down; 12 checks
     * behind it unknown"). The folded checks share its thread.
     */
    record Single(RaisedAlert alert, List<RaisedAlert> behind) implements OutgoingAlert {
        public Single {
            behind = List.copyOf(behind);
        }

        @Override
        public AlertCondition condition() {
            return alert.condition();
        }

        @Override
        public String threadKey() {
            return alert.threadKey();
        }

        @Override
        public List<RaisedAlert> covers() {
            List<RaisedAlert> all = new ArrayList<>(1 + behind.size());
            all.add(alert);
            all.addAll(behind);
            return all;
        }
    }

    /**
     * One message for many devices that flipped the same way ("50 devices down"). Each member
     * keeps its own thread key for its later messages.
     *
     * @param joinsOpen the members join the digest already gathering for this condition (its
     *                  thread is that digest's), rather than open a new one
     */
    record Digest(AlertCondition condition, Instant evaluatedAt, List<Single> members, boolean joinsOpen)
            implements OutgoingAlert {
        public Digest {
            members = List.copyOf(members);
        }

        @Override
        public String threadKey() {
            return "digest:" + condition.name().toLowerCase(java.util.Locale.ROOT) + "@" + evaluatedAt;
        }

        @Override
        public List<RaisedAlert> covers() {
            List<RaisedAlert> all = new ArrayList<>();
            for (Single s : members) {
                all.addAll(s.covers());
            }
            return all;
        }

        /** The devices it names, one per member, in the order they were raised. */
        public List<String> devices() {
            return members.stream().map(s -> s.alert().device()).toList();
        }

        /** "3 devices down" / "3 devices back". */
        public String headline() {
            return headline(condition, members.size());
        }

        /** "3 devices down" / "3 devices back", for a digest of {@code devices} devices. */
        public static String headline(AlertCondition condition, int devices) {
            return DeviceList.count(devices) + (condition == AlertCondition.FIRED ? " down" : " back");
        }
    }
}
