// Explanations a counsellor can act on: each criterion's score and contribution, in plain French or
// English (or both), the hard constraints a pair fails, and for a near-miss what would unlock it.
//
// An explanation is computed by the same kernel as the ranking (with n = 1), so its numbers are the
// ranking's numbers; the sentences only put them into words.
#ifndef PASSERELLE_ENGINE_SCORING_EXPLANATION_H_
#define PASSERELLE_ENGINE_SCORING_EXPLANATION_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/resolve.h"
#include "engine/refdata/reference_data.h"
#include "engine/scoring/occupation_relations.h"
#include "engine/scoring/profile.h"

namespace passerelle::engine {

// The languages of an explanation's sentences. A language not asked for stays empty and is never built:
// wording both costs about twice the strings of one, on every explained result.
enum class SentenceLanguages : uint8_t { kFrench = 1, kEnglish = 2, kBoth = 3 };

// One sentence; each side is empty unless its language was asked for.
struct Sentence {
  std::string fr;
  std::string en;
};

struct CriterionExplanation {
  Criterion criterion = Criterion::kOccupation;
  float score = 0;         // s_k in [0, 1]
  float weight = 0;        // w_k from the profile
  float contribution = 0;  // w_k * s_k / sum(w); contributions add up to the total
  Sentence reason;
};

// A hard constraint the pair fails, with a machine-readable code ("FRENCH_GAP") and, when relaxable,
// what would lift it.
struct Blocker {
  std::string code;
  bool relaxable = false;
  Sentence reason;
  Sentence unlock;  // empty when not relaxable
};

// One step of the route that makes a person ready for an opening (engine/model/route.h).
struct RouteStep {
  std::string kind;  // "FRENCH" (before the route), "POEC", "JOB_TRAINING"
  float hours = 0;
  int days = 0;      // ceil(hours * 7 / weekly hours)
  Sentence label;    // "environ 400 h de français" / "about 400 h of French"
};

struct Explanation {
  std::string candidate_id;
  std::string opening_id;
  bool eligible = false;
  bool near_miss = false;  // ineligible, but only for relaxable reasons
  // Weighted total in [0, 1]. For an ineligible pair: the score it would have once its barriers are lifted.
  float total = 0;
  std::array<CriterionExplanation, kCriterionCount> criteria;
  std::vector<Blocker> blockers;
  float distance_km = 0;
  float french_training_hours_needed = 0;  // hours from the candidate's level to the opening's minimum
  std::vector<int64_t> missing_required_skills;  // code_ogr
  std::vector<int64_t> missing_desired_skills;
  std::vector<int64_t> missing_core_skills;  // of the missing required items, the core ones (code_ogr)
  // The day the person can start (the kernel's): available_from, or later by the route's steps when
  // the person lacks the opening's stated French level; `route` lists those steps (empty otherwise).
  Day ready_day = 0;
  std::vector<RouteStep> route;
};

// Scores one pair with the ranking kernel and puts every number into words. `today` is the query's day
// (MatchQuery::today; 0 = unknown): an opening past its expires_on on that day is blocked (OPENING_EXPIRED).
// Sentences are written in `languages` only; the numbers do not depend on it.
Explanation ExplainPair(const ResolvedCandidate& candidate, const ResolvedOpening& opening,
                        const ScoringProfile& profile, const ReferenceData& data, const OccupationRelations& relations,
                        Day today = 0, SentenceLanguages languages = SentenceLanguages::kBoth);

// Machine-readable code of one blocker bit (scoring::Blocker), e.g. "TOO_FAR".
std::string BlockerCode(uint32_t bit);
// One blocker bit in general words, for a count over many openings ("Pas d'autorisation de travail en
// France"); the code itself for a bit without a sentence.
Sentence BlockerSentence(uint32_t bit, SentenceLanguages languages = SentenceLanguages::kBoth);
// Whether support can lift the blocker (scoring::kRelaxableBlockers).
bool BlockerRelaxable(uint32_t bit);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SCORING_EXPLANATION_H_
