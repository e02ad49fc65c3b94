// What the replicated-log contract suite (log_contract_test.cc) needs from each implementation: a fresh,
// empty log, and a way to drop its oldest entries (to reach FailedPrecondition).
#ifndef PASSERELLE_TESTS_CLUSTER_LOG_HARNESS_H_
#define PASSERELLE_TESTS_CLUSTER_LOG_HARNESS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/cluster/replicated_log.h"

namespace passerelle::cluster::testing {

class LogHarness {
 public:
  virtual ~LogHarness() = default;
  virtual ReplicatedLog& log() = 0;
  // Drops the entries with sequence < first_kept.
  virtual void TruncateBefore(uint64_t first_kept) = 0;
};

// One implementation under test: a name for the test's label and a factory. The factory's NotFound
// means the implementation cannot run here (no nats-server): the test is skipped with its message.
struct LogImplementation {
  std::string name;
  std::function<absl::StatusOr<std::unique_ptr<LogHarness>>()> make;
};

}  // namespace passerelle::cluster::testing

#endif  // PASSERELLE_TESTS_CLUSTER_LOG_HARNESS_H_
