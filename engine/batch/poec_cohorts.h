// POEC cohorts of a stored cohort of candidates: re-ranks the candidates, keeps the openings that offer a
// POEC route, groups them by sector (ROME domaine) and région, and forms training cohorts with
// FormCohorts (engine/batch/cohort_formation.h). Served as the FormCohorts rpc.
//
// An opening offers a POEC route when its contract is POEC, or when it provides training that includes
// French (training_provided and french_training_hours > 0): both are how HOPE's sessions are published.
//
// Thread-safety: runs on one snapshot of each table, while the index may be updated.
#ifndef PASSERELLE_ENGINE_BATCH_POEC_COHORTS_H_
#define PASSERELLE_ENGINE_BATCH_POEC_COHORTS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/batch/cohort_formation.h"
#include "engine/batch/rerank.h"
#include "engine/index/match_index.h"

namespace passerelle::engine {

// True when the opening offers a POEC route (see above).
bool OffersPoecRoute(const Opening& opening);

struct PoecCohortOptions {
  // Candidate filters, as in RerankOptions; empty = no filter. Default: empty.
  std::string owner_id;
  std::vector<std::string> departements;
  // Openings in scope: ROME codes, domaines ("F17") or grands domaines ("F"). Default: empty (all).
  std::vector<std::string> occupations;
  // Openings in these régions only (INSEE région codes, "11"); empty = all. Default: empty.
  std::vector<std::string> regions;
  // Each candidate's pool: their best eligible openings, of which the POEC ones are kept. A high value
  // keeps POEC openings from being pushed out by better-scored openings of other routes.
  // Range 1..kMaxK. Default: kMaxK.
  int openings_per_candidate = kMaxK;
  // Threads of the re-ranking step. Default: 2.
  int threads = 2;
  // The day of the run (MatchQuery::today): expired openings are left out and readiness routes start on
  // it. 0 = unknown. Default: 0.
  Day today = 0;
  // Cohort sizes, objective and exact-search limit. Default: 10 to 15 people, most people placed first.
  CohortFormationOptions formation;
  // Asked between candidates; true stops the run with Cancelled. Must be thread-safe. Default: empty.
  std::function<bool()> cancelled;
};

struct PoecCohortMember {
  std::string candidate_id;
  std::string opening_id;
  float score = 0;
  // The day the member can start in that opening (ScoredMatch::ready_day: available_from, later by
  // the French route's steps), not before options.today when it is known.
  Day ready_day = 0;
};

struct PoecCohort {
  std::string domaine_code;  // "F17"
  std::string domaine_label;
  std::string region_code;   // "11"
  std::string region_name;
  std::vector<PoecCohortMember> members;  // by opening id, then candidate id
  // The openings the members go to, with how many of them: (opening id, members).
  std::vector<std::pair<std::string, int32_t>> openings;
  // When the session can start with everyone: the latest member's ready_day; and the days between the
  // earliest and the latest (reported only: formation does not yet bound it, docs/batch.md).
  Day start_day = 0;
  int32_t ready_spread_days = 0;
};

struct PoecLeftOut {
  std::string candidate_id;
  CohortLeftOutReason reason = CohortLeftOutReason::kNoEligibleOpening;
};

struct PoecCohortRun {
  // By domaine, région, then first member.
  std::vector<PoecCohort> cohorts;
  // Candidates of the cohort in no training cohort, by candidate id.
  std::vector<PoecLeftOut> left_out;
  // The formation's figures (placed, total score, left-out counts, groups, exact).
  CohortFormationResult formation;
  int32_t candidate_count = 0;
  // POEC openings in scope, their positions, and the sector x région groups they fall in.
  int32_t poec_opening_count = 0;
  int64_t poec_position_count = 0;
  int32_t group_count = 0;
  RerankProgress rerank;
  double formation_seconds = 0;
};

// Returns InvalidArgument naming the option (regions[i], occupations[i], formation.min_cohort_size...),
// Cancelled when options.cancelled turned true.
absl::StatusOr<PoecCohortRun> FormPoecCohorts(const MatchIndex& index, const ScoringProfile& profile,
                                              const PoecCohortOptions& options,
                                              const std::function<void(const RerankProgress&)>& progress = nullptr);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_POEC_COHORTS_H_
