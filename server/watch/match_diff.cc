#include "server/watch/match_diff.h"

#include "absl/container/flat_hash_map.h"

namespace passerelle::server {
namespace {

// Whether the record itself was written since the last message.
bool Written(const WatchHints& hints, const std::string& id, bool rescored_or_new) {
  return hints.overflowed ? rescored_or_new : hints.written.contains(id);
}

v1::MatchChangeReason ReasonOf(const WatchHints& hints, const std::string& id, bool rescored_or_new) {
  if (Written(hints, id, rescored_or_new)) return v1::MATCH_CHANGE_REASON_RECORD_PUT;
  if (hints.watched_written) return v1::MATCH_CHANGE_REASON_WATCHED_RECORD_PUT;
  return v1::MATCH_CHANGE_REASON_OTHERS_CHANGED;
}

}  // namespace

std::vector<v1::MatchChange> DiffTops(const std::vector<WatchedMatch>& before, const std::vector<WatchedMatch>& after,
                                      const WatchHints& hints,
                                      const std::function<bool(const std::string&)>& removed) {
  absl::flat_hash_map<std::string, size_t> old_rank;  // qualified id -> index in before
  for (size_t i = 0; i < before.size(); ++i) old_rank.emplace(before[i].qualified_id, i);
  absl::flat_hash_map<std::string, size_t> new_rank;
  for (size_t i = 0; i < after.size(); ++i) new_rank.emplace(after[i].qualified_id, i);

  std::vector<v1::MatchChange> changes;
  for (size_t i = 0; i < after.size(); ++i) {
    const WatchedMatch& now = after[i];
    const auto was = old_rank.find(now.qualified_id);
    v1::MatchChange change;
    if (was == old_rank.end()) {
      change.set_kind(v1::MATCH_CHANGE_KIND_ENTERED);
      change.set_reason(ReasonOf(hints, now.qualified_id, /*rescored_or_new=*/true));
    } else {
      const bool rescored = before[was->second].match.total() != now.match.total();
      if (was->second == i && !rescored) continue;
      change.set_kind(was->second == i ? v1::MATCH_CHANGE_KIND_RESCORED : v1::MATCH_CHANGE_KIND_MOVED);
      change.set_reason(ReasonOf(hints, now.qualified_id, rescored));
      change.set_previous_rank(static_cast<int32_t>(was->second + 1));
    }
    change.set_rank(static_cast<int32_t>(i + 1));
    *change.mutable_match() = now.match;
    changes.push_back(std::move(change));
  }
  for (size_t i = 0; i < before.size(); ++i) {
    const WatchedMatch& then = before[i];
    if (new_rank.contains(then.qualified_id)) continue;
    v1::MatchChange change;
    change.set_kind(v1::MATCH_CHANGE_KIND_LEFT);
    change.set_reason(removed(then.qualified_id) ? v1::MATCH_CHANGE_REASON_RECORD_REMOVED
                                                 : ReasonOf(hints, then.qualified_id, /*rescored_or_new=*/false));
    change.set_previous_rank(static_cast<int32_t>(i + 1));
    *change.mutable_match() = then.match;
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace passerelle::server
