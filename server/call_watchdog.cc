#include "server/call_watchdog.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"

namespace passerelle::server {
namespace {

absl::Duration SecondsOrNone(double seconds) {
  return seconds > 0 ? absl::Seconds(seconds) : absl::InfiniteDuration();
}

// How often the thread looks when no call is close to its end: new calls need no wake-up, as their
// deadlines are at least this far away in any sane configuration.
constexpr absl::Duration kMaxSleep = absl::Milliseconds(200);

}  // namespace

CallWatchdog::CallWatchdog(CallDeadlineOptions options) : options_(options), thread_([this] { Loop(); }) {}

CallWatchdog::~CallWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

absl::Duration CallWatchdog::DeadlineFor(CallKind kind) const {
  switch (kind) {
    case CallKind::kBatch:
      return SecondsOrNone(options_.batch_deadline_seconds);
    case CallKind::kImportStream:
      return SecondsOrNone(options_.import_deadline_seconds);
    case CallKind::kWatchStream:
      return SecondsOrNone(options_.watch_deadline_seconds);
    case CallKind::kUnary:
      break;
  }
  return SecondsOrNone(options_.default_deadline_seconds);
}

void CallWatchdog::Watch(grpc::ServerContextBase* context, CallKind kind) {
  const absl::Time now = absl::Now();
  const absl::Duration allowed = DeadlineFor(kind);
  Entry entry{context, now + allowed, allowed, absl::ZeroDuration(), now, absl::OkStatus()};
  if (kind == CallKind::kImportStream && options_.stream_idle_timeout_seconds > 0) {
    entry.idle = absl::Seconds(options_.stream_idle_timeout_seconds);
  }
  // A client deadline earlier than the server's is gRPC's own business.
  if (absl::FromChrono(context->deadline()) <= entry.deadline && entry.idle == absl::ZeroDuration()) return;
  absl::MutexLock lock(&mu_);
  calls_[context] = std::move(entry);
}

void CallWatchdog::Touch(const grpc::ServerContextBase* context) {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(context);
  if (it != calls_.end()) it->second.last_item = now;
}

absl::Status CallWatchdog::Unwatch(const grpc::ServerContextBase* context) {
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(context);
  if (it == calls_.end()) return absl::OkStatus();
  absl::Status expired = std::move(it->second.expired);
  calls_.erase(it);
  return expired;
}

void CallWatchdog::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    const absl::Time now = absl::Now();
    absl::Time next = now + kMaxSleep;
    for (auto& [key, entry] : calls_) {
      if (!entry.expired.ok()) continue;
      const absl::Time idle_end =
          entry.idle == absl::ZeroDuration() ? absl::InfiniteFuture() : entry.last_item + entry.idle;
      if (now >= entry.deadline) {
        entry.expired = absl::DeadlineExceededError(absl::StrCat("the server's deadline for this call (",
                                                                 absl::FormatDuration(entry.allowed),
                                                                 ") passed; split the work or ask the operator"));
      } else if (now >= idle_end) {
        entry.expired = absl::DeadlineExceededError(absl::StrCat(
            "the stream sent no item for ", absl::FormatDuration(entry.idle), " (the server's idle timeout)"));
      } else {
        next = std::min({next, entry.deadline, idle_end});
        continue;
      }
      // Under mu_: Unwatch() cannot return, so the call (and its context) cannot end, meanwhile.
      entry.context->TryCancel();
    }
    mu_.AwaitWithDeadline(absl::Condition(&stop_), next);
  }
}

}  // namespace passerelle::server
