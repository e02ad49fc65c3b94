// Per-organisation limits, so that one tenant cannot starve the others: a request rate (token bucket),
// calls running at once, batch calls (Rerank, Assign) running at once, and import streams open at once
// (also capped server-wide). Past a limit a call fails
// with RESOURCE_EXHAUSTED before doing anything.
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_AUTH_TENANT_LIMITS_H_
#define PASSERELLE_SERVER_AUTH_TENANT_LIMITS_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace passerelle::server {

struct TenantLimitOptions {
  // Sustained calls per second per organisation; 0 = no rate limit.
  // Default: 10000
  double requests_per_second = 10000;
  // Calls an organisation may make at once above the sustained rate (bucket size).
  // Default: 20000
  double burst_requests = 20000;
  // Calls of one organisation running at once; 0 = no limit.
  // Default: 64
  int max_concurrent_calls = 64;
  // Batch calls (Rerank, Assign) of one organisation running at once; 0 = no limit (the server-wide
  // --max_batch_calls still applies).
  // Default: 1
  int max_batch_calls_per_organisation = 1;
  // Import streams of one organisation open at once; 0 = no limit. A stream holds a server thread for
  // as long as it is open, so this is far below max_concurrent_calls.
  // Default: 4
  int max_streams_per_organisation = 4;
  // Import streams open at once on the whole server, all organisations together; 0 = no limit.
  // Default: 32
  int max_streams = 32;
};

class TenantLimits {
 public:
  explicit TenantLimits(TenantLimitOptions options, std::function<absl::Time()> now = nullptr);

  // Takes a token and a running-call slot for `organisation`; ResourceExhausted (nothing taken) when
  // either is missing. Every OK must be followed by one Leave().
  absl::Status Enter(const std::string& organisation);
  void Leave(const std::string& organisation);
  // Like Enter/Leave for the batch slots.
  absl::Status EnterBatch(const std::string& organisation);
  void LeaveBatch(const std::string& organisation);
  // Like Enter/Leave for the import stream slots (the organisation's and the server's).
  absl::Status EnterStream(const std::string& organisation);
  void LeaveStream(const std::string& organisation);

 private:
  struct State {
    double tokens = 0;
    absl::Time refilled;
    int running = 0;
    int batch_running = 0;
    int streams = 0;
  };
  State& StateOf(const std::string& organisation) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TenantLimitOptions options_;
  const std::function<absl::Time()> now_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
  int streams_ ABSL_GUARDED_BY(mu_) = 0;  // all organisations
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_AUTH_TENANT_LIMITS_H_
