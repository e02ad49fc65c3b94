// The open WatchMatches streams and what they wait for. The index's write listener (Notify) marks each
// watcher a write concerns -- a candidate's watcher: any opening, or its own candidate; an opening's
// watcher: any candidate, or its own opening -- and wakes it; the stream's thread then recomputes its top
// k and sends the difference (server/matching_watch.cc, match_diff.h).
//
// Back-pressure: a watcher holds no queue of changes. A write only sets its dirty flag and adds the ids
// written to a set of at most kMaxRememberedIds (past that the set is dropped and `overflowed` set, which
// only makes reasons less precise), so a slow reader costs bounded memory whatever the write rate: the
// writes that arrive while its thread is blocked sending, or waiting out the debounce, are coalesced into
// the next recomputation.
//
// Thread-safety: thread-safe. Notify runs on writers' threads, each watcher's Wait on its stream's thread.
#ifndef PASSERELLE_SERVER_WATCH_WATCH_REGISTRY_H_
#define PASSERELLE_SERVER_WATCH_WATCH_REGISTRY_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/index/match_index.h"

namespace passerelle::server {

struct WatchRegistryOptions {
  // Watchers one organisation may hold. Default: 16
  int max_per_organisation = 16;
  // Watchers in all. Default: 256
  int max_total = 256;
  // Wait this long after the first write of a burst before recomputing. Default: 100 ms
  absl::Duration debounce = absl::Milliseconds(100);
  // How often a waiting watcher checks whether its stream should stop (client gone, deadline).
  // Default: 200 ms
  absl::Duration poll = absl::Milliseconds(200);
};

// What happened since a watcher last recomputed.
struct WatchHints {
  // Qualified ids written (of the table the watcher ranks), unless overflowed.
  absl::flat_hash_set<std::string> written;
  bool overflowed = false;
  // The watched record itself was written (put again, or removed).
  bool watched_written = false;
};

class Watcher {
 public:
  static constexpr size_t kMaxRememberedIds = 4096;

  // Waits for a write that concerns this watcher, then for `debounce` more, and returns what was written;
  // nullopt when the registry shut down or should_stop() (asked every `poll`) turned true.
  std::optional<WatchHints> Wait(const std::function<bool()>& should_stop);
  const std::string& organisation() const { return organisation_; }
  bool shut_down() const;

 private:
  friend class WatchRegistry;
  Watcher(std::string organisation, engine::IndexTable watched_table, std::string watched_id,
          const WatchRegistryOptions& options)
      : organisation_(std::move(organisation)),
        watched_table_(watched_table),
        watched_id_(std::move(watched_id)),
        options_(options) {}
  void Mark(engine::IndexTable table, absl::Span<const std::string> ids);
  void Close();

  const std::string organisation_;
  const engine::IndexTable watched_table_;  // the table of the watched record; it ranks the other one
  const std::string watched_id_;            // qualified
  const WatchRegistryOptions options_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool dirty_ = false;    // guarded by mu_
  bool closed_ = false;   // guarded by mu_
  WatchHints hints_;      // guarded by mu_
};

class WatchRegistry {
 public:
  explicit WatchRegistry(const WatchRegistryOptions& options) : options_(options) {}

  // A new watcher of record `watched_id` (qualified) of `watched_table` for `organisation`;
  // ResourceExhausted past a limit, Unavailable after Shutdown(). Remove() it when the stream ends.
  absl::StatusOr<std::shared_ptr<Watcher>> Add(const std::string& organisation, engine::IndexTable watched_table,
                                               const std::string& watched_id);
  void Remove(const std::shared_ptr<Watcher>& watcher);
  // The index's write listener.
  void Notify(engine::IndexTable table, absl::Span<const std::string> ids);
  // Wakes every watcher for good; Add() fails from now on.
  void Shutdown();
  int size() const;

 private:
  const WatchRegistryOptions options_;
  mutable std::mutex mu_;
  bool shut_down_ = false;                               // guarded by mu_
  std::list<std::shared_ptr<Watcher>> watchers_;          // guarded by mu_
  absl::flat_hash_map<std::string, int> per_organisation_;  // guarded by mu_
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_WATCH_WATCH_REGISTRY_H_
