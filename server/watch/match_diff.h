// The difference between two tops of a watched record (WatchMatches): which matches entered, moved, were
// rescored or left, and why, from what the watch registry saw written in between (watch_registry.h).
//
// Thread-safety: stateless function.
#ifndef PASSERELLE_SERVER_WATCH_MATCH_DIFF_H_
#define PASSERELLE_SERVER_WATCH_MATCH_DIFF_H_

#include <functional>
#include <string>
#include <vector>

#include "passerelle/v1/matching.pb.h"
#include "server/watch/watch_registry.h"

namespace passerelle::server {

// One match of a watched top.
struct WatchedMatch {
  std::string qualified_id;  // "<organisation>:<id>": what the registry's hints name
  v1::Match match;           // as sent: own id, owner_id, total, criteria
};

// The changes that turn `before` into `after` (both best first): entered, moved and rescored ones by new
// rank, then the ones that left, by old rank. `removed(qualified_id)`: the record is gone from the index.
// Reasons: RECORD_REMOVED for a removed record that left; RECORD_PUT when the record was written (when
// the hints overflowed: when its total changed, or it entered); WATCHED_RECORD_PUT when the watched
// record was; OTHERS_CHANGED otherwise.
std::vector<v1::MatchChange> DiffTops(const std::vector<WatchedMatch>& before, const std::vector<WatchedMatch>& after,
                                      const WatchHints& hints,
                                      const std::function<bool(const std::string&)>& removed);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_WATCH_MATCH_DIFF_H_
