#include "server/watch/watch_registry.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace passerelle::server {
namespace {

std::chrono::nanoseconds ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

}  // namespace

std::optional<WatchHints> Watcher::Wait(const std::function<bool()>& should_stop) {
  std::unique_lock lock(mu_);
  while (!dirty_ && !closed_) {
    if (changed_.wait_for(lock, ToChrono(options_.poll), [&] { return dirty_ || closed_; })) break;
    lock.unlock();
    const bool stop = should_stop();
    lock.lock();
    if (stop) return std::nullopt;
  }
  // Debounce: let the rest of a burst arrive (a shutdown cuts it short).
  changed_.wait_for(lock, ToChrono(options_.debounce), [&] { return closed_; });
  if (closed_) return std::nullopt;
  WatchHints hints = std::move(hints_);
  hints_ = WatchHints();
  dirty_ = false;
  return hints;
}

bool Watcher::shut_down() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void Watcher::Mark(engine::IndexTable table, absl::Span<const std::string> ids) {
  std::lock_guard lock(mu_);
  bool concerned = false;
  if (table == watched_table_) {
    for (const std::string& id : ids) {
      if (id == watched_id_) {
        hints_.watched_written = true;
        concerned = true;
      }
    }
  } else {
    concerned = !ids.empty();
    for (const std::string& id : ids) {
      if (hints_.overflowed) break;
      hints_.written.insert(id);
      if (hints_.written.size() > kMaxRememberedIds) {
        hints_.written.clear();
        hints_.overflowed = true;
      }
    }
  }
  if (concerned) {
    dirty_ = true;
    changed_.notify_all();
  }
}

void Watcher::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  changed_.notify_all();
}

absl::StatusOr<std::shared_ptr<Watcher>> WatchRegistry::Add(const std::string& organisation,
                                                            engine::IndexTable watched_table,
                                                            const std::string& watched_id) {
  std::lock_guard lock(mu_);
  if (shut_down_) return absl::UnavailableError("the server is shutting down; nothing was done");
  int& mine = per_organisation_[organisation];
  if (mine >= options_.max_per_organisation) {
    return absl::ResourceExhaustedError(absl::StrCat("your organisation already has ", mine,
                                                     " open WatchMatches streams, its limit; close one first"));
  }
  if (static_cast<int>(watchers_.size()) >= options_.max_total) {
    return absl::ResourceExhaustedError(
        absl::StrCat(watchers_.size(), " WatchMatches streams are open, the server's limit; retry later"));
  }
  ++mine;
  auto watcher = std::shared_ptr<Watcher>(new Watcher(organisation, watched_table, watched_id, options_));
  watchers_.push_back(watcher);
  return watcher;
}

void WatchRegistry::Remove(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard lock(mu_);
  for (auto it = watchers_.begin(); it != watchers_.end(); ++it) {
    if (*it != watcher) continue;
    watchers_.erase(it);
    if (--per_organisation_[watcher->organisation()] == 0) per_organisation_.erase(watcher->organisation());
    return;
  }
}

void WatchRegistry::Notify(engine::IndexTable table, absl::Span<const std::string> ids) {
  std::lock_guard lock(mu_);
  for (const std::shared_ptr<Watcher>& watcher : watchers_) watcher->Mark(table, ids);
}

void WatchRegistry::Shutdown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  for (const std::shared_ptr<Watcher>& watcher : watchers_) watcher->Close();
}

int WatchRegistry::size() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(watchers_.size());
}

}  // namespace passerelle::server
