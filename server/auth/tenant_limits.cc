#include "server/auth/tenant_limits.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace passerelle::server {

TenantLimits::TenantLimits(TenantLimitOptions options, std::function<absl::Time()> now)
    : options_(options), now_(now ? std::move(now) : [] { return absl::Now(); }) {}

TenantLimits::State& TenantLimits::StateOf(const std::string& organisation) {
  auto [it, inserted] = states_.try_emplace(organisation);
  if (inserted) {
    it->second.tokens = options_.burst_requests;
    it->second.refilled = now_();
  }
  return it->second;
}

absl::Status TenantLimits::Enter(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  State& state = StateOf(organisation);
  if (options_.requests_per_second > 0) {
    const absl::Time now = now_();
    const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - state.refilled));
    state.tokens = std::min(options_.burst_requests, state.tokens + elapsed * options_.requests_per_second);
    state.refilled = now;
    if (state.tokens < 1) {
      return absl::ResourceExhaustedError(absl::StrCat("organisation \"", organisation, "\" is over its rate of ",
                                                       options_.requests_per_second, " calls per second; retry later"));
    }
  }
  if (options_.max_concurrent_calls > 0 && state.running >= options_.max_concurrent_calls) {
    return absl::ResourceExhaustedError(absl::StrCat("organisation \"", organisation, "\" already runs ",
                                                     state.running, " calls, its limit; retry when one has finished"));
  }
  if (options_.requests_per_second > 0) state.tokens -= 1;
  ++state.running;
  return absl::OkStatus();
}

void TenantLimits::Leave(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  --StateOf(organisation).running;
}

absl::Status TenantLimits::EnterBatch(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  State& state = StateOf(organisation);
  if (options_.max_batch_calls_per_organisation > 0 &&
      state.batch_running >= options_.max_batch_calls_per_organisation) {
    return absl::ResourceExhaustedError(absl::StrCat("organisation \"", organisation, "\" already runs ",
                                                     state.batch_running,
                                                     " batch calls (Rerank, Assign), its limit; retry later"));
  }
  ++state.batch_running;
  return absl::OkStatus();
}

void TenantLimits::LeaveBatch(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  --StateOf(organisation).batch_running;
}

absl::Status TenantLimits::EnterStream(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  State& state = StateOf(organisation);
  if (options_.max_streams_per_organisation > 0 && state.streams >= options_.max_streams_per_organisation) {
    return absl::ResourceExhaustedError(absl::StrCat("organisation \"", organisation, "\" already has ", state.streams,
                                                     " import streams open, its limit; close one or retry later"));
  }
  if (options_.max_streams > 0 && streams_ >= options_.max_streams) {
    return absl::ResourceExhaustedError(
        absl::StrCat(streams_, " import streams are open on this server, its limit; retry later"));
  }
  ++state.streams;
  ++streams_;
  return absl::OkStatus();
}

void TenantLimits::LeaveStream(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  --StateOf(organisation).streams;
  --streams_;
}

}  // namespace passerelle::server
