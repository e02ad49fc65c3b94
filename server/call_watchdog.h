// Server-side deadlines and idle timeouts. A client that sets no deadline (or a very late one) would
// otherwise hold a call, and for the synchronous rpcs a thread, as long as it likes; an import stream
// that sends nothing would block its thread in Read() for ever (issue 16: 1,500 idle streams made 1,515
// threads). The watchdog's thread cancels (ServerContext::TryCancel) every call past its server
// deadline, and every stream idle past the idle timeout: a blocked Read() then returns, the handlers'
// checks (IsCancelled) stop their loops, and the client gets CANCELLED. The call's log line says why
// (Expired()).
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_CALL_WATCHDOG_H_
#define PASSERELLE_SERVER_CALL_WATCHDOG_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"

namespace passerelle::server {

struct CallDeadlineOptions {
  // Server-side deadline of a call, in seconds from its start, when the client set none or a later one;
  // 0 = none.
  // Default: 60
  double default_deadline_seconds = 60;
  // The same for the batch rpcs (Rerank, Assign), which run for minutes at national scale.
  // Default: 3600
  double batch_deadline_seconds = 3600;
  // The same for import streams.
  // Default: 3600
  double import_deadline_seconds = 3600;
  // The same for a WatchMatches stream: it lives as long as the platform wants notifications, so the
  // deadline only makes every watcher reconnect now and then (and lets a forgotten one go).
  // Default: 86400
  double watch_deadline_seconds = 86400;
  // An import stream that has received no item for this long is cancelled, in seconds; 0 = never.
  // Default: 30
  double stream_idle_timeout_seconds = 30;
};

// What a call is, for its deadline.
enum class CallKind { kUnary, kBatch, kImportStream, kWatchStream };

class CallWatchdog {
 public:
  explicit CallWatchdog(CallDeadlineOptions options);
  ~CallWatchdog();  // stops the thread; every call must have been unwatched
  CallWatchdog(const CallWatchdog&) = delete;
  CallWatchdog& operator=(const CallWatchdog&) = delete;

  // Watches `context` (which must stay alive until Unwatch()) from now on.
  void Watch(grpc::ServerContextBase* context, CallKind kind);
  // An item of the stream arrived: its idle timer starts again.
  void Touch(const grpc::ServerContextBase* context);
  // Stops watching; returns why the watchdog cancelled the call (DeadlineExceeded naming the server's
  // deadline or the idle timeout), OK when it did not.
  absl::Status Unwatch(const grpc::ServerContextBase* context);

  const CallDeadlineOptions& options() const { return options_; }

 private:
  struct Entry {
    grpc::ServerContextBase* context;
    absl::Time deadline;      // the server's; InfiniteFuture = none
    absl::Duration allowed;   // deadline - start
    absl::Duration idle;      // ZeroDuration = no idle timeout
    absl::Time last_item;
    absl::Status expired;     // set once cancelled
  };
  void Loop();
  absl::Duration DeadlineFor(CallKind kind) const;

  const CallDeadlineOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, Entry> calls_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CALL_WATCHDOG_H_
