// Two small macros for absl::Status plumbing. Abseil 20220623 (Debian bookworm) ships none.
#ifndef PASSERELLE_ENGINE_COMMON_STATUS_MACROS_H_
#define PASSERELLE_ENGINE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define PASSERELLE_RETURN_IF_ERROR(expr)              \
  do {                                                \
    ::absl::Status passerelle_status_ = (expr);       \
    if (!passerelle_status_.ok()) return passerelle_status_; \
  } while (0)

#define PASSERELLE_CONCAT_INNER_(a, b) a##b
#define PASSERELLE_CONCAT_(a, b) PASSERELLE_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else moves the value into `lhs`.
//   PASSERELLE_ASSIGN_OR_RETURN(auto data, ReferenceData::Load(dir));
#define PASSERELLE_ASSIGN_OR_RETURN(lhs, rexpr) \
  PASSERELLE_ASSIGN_OR_RETURN_IMPL_(PASSERELLE_CONCAT_(passerelle_statusor_, __LINE__), lhs, rexpr)
#define PASSERELLE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                      \
  if (!tmp.ok()) return tmp.status();                      \
  lhs = std::move(tmp).value()

#endif  // PASSERELLE_ENGINE_COMMON_STATUS_MACROS_H_
