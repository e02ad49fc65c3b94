// Table mode for the batch commands: what `passerelle rerank` and `passerelle assign` print for a person
// (a programme manager, a counsellor) rather than for a script.
//
// Thread-safety: RerankTally and BatchProgressLine are thread-compatible; the functions are stateless.
#ifndef PASSERELLE_CLIENTS_BATCH_VIEW_H_
#define PASSERELLE_CLIENTS_BATCH_VIEW_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::clients {

// What the summary of a re-ranking is about.
struct RerankView {
  // Openings asked per candidate (the request's k).
  int k = 10;
  // Candidates whose ranking is printed in full: the first ones by id that have an eligible opening.
  // Default: 3.
  int show = 3;
  // Openings listed in "most listed openings". Default: 5.
  int top_openings = 5;
  // Scoring profile asked ("" = default).
  std::string profile;
  // Opening titles by id, for the printed rankings (empty = no title column).
  absl::flat_hash_map<std::string, std::string> titles;
};

// Folds the rankings of a Rerank stream as they arrive, keeping only counts and the `show` first
// candidates by id with an eligible opening, so that a stream of a million rankings needs little memory.
class RerankTally {
 public:
  explicit RerankTally(int show) : show_(show) {}

  void Add(v1::CandidateRanking ranking);
  void SetFinal(const v1::RerankProgress& progress) { final_ = progress; }

  // The printed rankings, by candidate id.
  const std::vector<v1::CandidateRanking>& first() const { return first_; }
  // The `n` openings that appear in the most rankings, most first (ties: by id), with that count.
  std::vector<std::pair<std::string, int64_t>> MostListed(int n) const;
  int64_t candidates() const { return candidates_; }

  // Counts, pairs scored and pruned, the most listed openings, then the first candidates' rankings.
  std::string Summary(const RerankView& view) const;

 private:
  int show_;
  int64_t candidates_ = 0;
  int64_t with_matches_ = 0;
  int64_t matches_ = 0;
  double best_score_sum_ = 0;
  absl::flat_hash_map<std::string, int64_t> listed_;  // opening id -> rankings it appears in
  std::vector<v1::CandidateRanking> first_;          // the show_ smallest ids, ascending
  v1::RerankProgress final_;
};

// "rerank: 1000 of 5000 candidates (20%), 1.2 M pairs scored, 3.1 M pruned, 2.4 s" on stderr: rewritten
// in place on a terminal (at most 5 times a second), one line every 5 s otherwise, and always the last.
class BatchProgressLine {
 public:
  BatchProgressLine(std::ostream& err, bool enabled);
  void Update(const v1::RerankProgress& progress);

 private:
  std::ostream& err_;
  bool enabled_;
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

// What the report of an assignment shows.
struct AssignView {
  // Assignments and left-out candidates listed after the figures. Default: 10.
  int show = 10;
  // How the cohort of the reserve was asked, for the heading ("below-a2"); "" when none.
  std::string reserve_for;
  double reserved_share = 0;
  int32_t max_proposals_per_opening = 0;
  int32_t openings_per_candidate = 50;
  // Opening titles by id, for the listed assignments (empty = no title column).
  absl::flat_hash_map<std::string, std::string> titles;
};

// The report: placed, total and mean score, positions left empty, left out by reason, each beside the
// greedy baseline with the gain; the exposure spread; then the first assignments and left-out candidates.
std::string RenderAssignReport(const AssignView& view, const v1::AssignResponse& response);

// "optimal", "stable", "greedy".
std::string MechanismLabel(v1::AssignmentMechanism mechanism);
// "lost to competition" for LEFT_OUT_REASON_LOST_TO_COMPETITION.
std::string LeftOutReasonLabel(v1::LeftOutReason reason);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_BATCH_VIEW_H_
