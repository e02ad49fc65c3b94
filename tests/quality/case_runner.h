// Runs a counsellor-judgement case (case_format.h) through the engine as the server does (a MatchIndex,
// MatchOpenings or MatchCandidates with near-misses and explanations, Explain for each pair, the query's
// day fixed by the case), and compares what comes back with what the counsellor expects.
#ifndef PASSERELLE_TESTS_QUALITY_CASE_RUNNER_H_
#define PASSERELLE_TESTS_QUALITY_CASE_RUNNER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/refdata/reference_data.h"
#include "engine/scoring/explanation.h"
#include "tests/quality/case_format.h"

namespace passerelle::engine::quality {

struct CaseOutcome {
  std::vector<std::string> order;        // eligible ids, best first
  std::vector<float> totals;             // their totals
  std::vector<std::string> near_misses;  // best relaxed score first
  std::map<std::string, Explanation> pairs;  // by the other side's id, every pair of the case
  std::vector<std::pair<uint32_t, int64_t>> in_scope;  // blocker bit, openings it stops (nothing eligible)
};

// The engine's answer to the case; an error when a record does not validate (a typo in the table).
absl::StatusOr<CaseOutcome> RunCase(const Case& c, std::shared_ptr<const ReferenceData> data);

// What differs from the counsellor's expectation, one plain sentence each; empty when the case holds.
std::vector<std::string> CompareCase(const Case& c, const CaseOutcome& outcome);

// The engine's answer in plain words: the order, then each pair's total, reasons and blockers.
std::string DescribeOutcome(const Case& c, const CaseOutcome& outcome);

// "NO_RIGHT_TO_WORK x3, TOO_FAR x1" (the "in scope" check's form).
std::string InScopeWords(const std::vector<std::pair<uint32_t, int64_t>>& in_scope);

}  // namespace passerelle::engine::quality

#endif  // PASSERELLE_TESTS_QUALITY_CASE_RUNNER_H_
